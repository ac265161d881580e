namespace Cedros.Storage.Tests.Backends;

/// <summary>What a child worker process needs to open the same store: a backend name and a connection description.</summary>
public sealed record ProcessTarget(string Backend, string Connection);

/// <summary>
/// A backend whose store several OS processes can share. Gives out a fresh, empty target (a new SQLite file, a new
/// PostgreSQL database/schema) that both the test process and <c>Cedros.Storage.ProcessWorker</c> children can open.
/// </summary>
public interface IProcessFixture
{
    /// <summary>A fresh, empty target (migrated or not: the worker migrates on open).</summary>
    Task<ProcessTarget> CreateProcessTargetAsync();

    /// <summary>Opens the target in the test process.</summary>
    Task<ICedrosStorage> OpenTargetAsync(ProcessTarget target, TimeProvider time);
}
