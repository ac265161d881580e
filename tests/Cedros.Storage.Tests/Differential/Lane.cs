using Microsoft.Extensions.Time.Testing;

namespace Cedros.Storage.Tests.Differential;

/// <summary>
/// One backend in a differential run: its storage, its own fake clock (advanced in step with the others), the rendering
/// of its outcomes, and what its earlier calls handed out (claim and lock tokens, generated webhook ids) so later
/// operations can use "the token this backend gave me" without the generator knowing its value.
/// </summary>
public sealed class Lane(string name, ICedrosStorage storage, FakeTimeProvider time) : IAsyncDisposable
{
    private readonly Dictionary<string, List<string>> _tokens = new(StringComparer.Ordinal);

    public string Name { get; } = name;
    public ICedrosStorage Storage { get; } = storage;
    public FakeTimeProvider Time { get; } = time;
    public Outcome Outcome { get; } = new();

    /// <summary>Webhook ids this backend generated (enqueue with an empty id), in order.</summary>
    public List<string> GeneratedWebhookIds { get; } = [];

    /// <summary>Records a token handed out under <paramref name="key"/> (e.g. <c>wh:wh-1</c>).</summary>
    public void Remember(string key, string? token)
    {
        if (token is null) return;
        if (!_tokens.TryGetValue(key, out var list)) _tokens[key] = list = [];
        list.Add(token);
    }

    /// <summary>A token for <paramref name="key"/>: the latest (<see cref="TokenPick.Latest"/>), the first one ever
    /// handed out (<see cref="TokenPick.Oldest"/>, usually stale), or one that was never issued.</summary>
    public string Recall(string key, TokenPick pick)
    {
        if (pick == TokenPick.Bogus || !_tokens.TryGetValue(key, out var list) || list.Count == 0) return "not-a-token";
        return pick == TokenPick.Latest ? list[^1] : list[0];
    }

    /// <summary>The <paramref name="index"/>-th generated webhook id (modulo the count), or a fixed missing id.</summary>
    public string GeneratedWebhook(int index) =>
        GeneratedWebhookIds.Count == 0 ? "wh-none" : GeneratedWebhookIds[index % GeneratedWebhookIds.Count];

    public ValueTask DisposeAsync() => Storage.DisposeAsync();
}

/// <summary>Which remembered token an operation presents.</summary>
public enum TokenPick
{
    Latest,
    Oldest,
    Bogus,
}

/// <summary>A generated operation: a description (printed on failure) and what it does on one backend.</summary>
/// <param name="Text">Human-readable description, including every argument.</param>
/// <param name="Tenant">Tenant of the handle it runs on.</param>
/// <param name="Run">The call; returns the value to render (null for void calls).</param>
public sealed record Step(string Text, string Tenant, Func<ITenantStorage, Lane, Task<object?>> Run);
