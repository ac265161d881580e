using System.Runtime.CompilerServices;

namespace Cedros.Storage.Tests;

internal static class TestSetup
{
    // Races start 64+ callers at once and SQLite's driver blocks threads while it waits for the file lock; without
    // enough pool threads the races would measure thread injection, not the storage.
    [ModuleInitializer]
    internal static void RaiseThreadPoolMinimum() => ThreadPool.SetMinThreads(128, 128);
}
