using Cedros.Storage.Internal;

namespace Cedros.Storage.Tests.Unit;

/// <summary>The per-template cache: looked up by reference for literals, by text for everything else; either way a
/// text is made once and every object with that text gets the same result.</summary>
public sealed class TemplateCacheTests
{
    [Fact]
    public void A_text_is_made_once_whichever_object_carries_it()
    {
        var made = new List<string>();
        var cache = new TemplateCache<string>(t =>
        {
            made.Add(t);
            return "rendered " + t;
        });
        const string literal = "SELECT 1 FROM [[payments]]";
        var built = string.Concat("SELECT 1 FROM ", "[[payments]]");
        Assert.NotSame(literal, built);

        var first = cache[literal];
        Assert.Same(first, cache[literal]);
        Assert.Same(first, cache[built]);
        Assert.Same(first, cache[new string(built.AsSpan())]);
        Assert.Equal("rendered SELECT 1 FROM [[payments]]", first);
        Assert.Equal("other", cache["other"][9..]);
        Assert.Equal([literal, "other"], made);
    }
}
