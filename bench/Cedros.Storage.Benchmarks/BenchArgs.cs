namespace Cedros.Storage.Benchmarks;

/// <summary>The runners' command-line options: <c>--name value</c> pairs and bare flags.</summary>
public static class BenchArgs
{
    /// <summary>The value after <paramref name="name"/>, or null when the option is not given.</summary>
    public static string? Option(this string[] args, string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
}
