using System.Globalization;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>This process's garbage collections and allocated bytes at one instant, for the verbose <c>ops</c> output:
/// a side that allocates more pays for more collections on the same two cores as the server.</summary>
internal readonly record struct GcCounts(int Gen0, int Gen1, int Gen2, long Allocated)
{
    public static GcCounts Now() =>
        new(GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalAllocatedBytes(precise: false));

    /// <summary>", GCs g0/g1/g2, bytes per call" since <paramref name="start"/>.</summary>
    public string Since(GcCounts start, long calls) => string.Create(CultureInfo.InvariantCulture,
        $", GCs {Gen0 - start.Gen0}/{Gen1 - start.Gen1}/{Gen2 - start.Gen2}, {(double)(Allocated - start.Allocated) / Math.Max(1, calls):F0} B");
}
