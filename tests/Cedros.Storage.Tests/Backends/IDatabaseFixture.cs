using Cedros.Storage.Configuration;

namespace Cedros.Storage.Tests.Backends;

/// <summary>Where each payment signature physically is: hot ledger, archive table, or both (which must never happen).</summary>
public sealed record PaymentTableCounts(long Hot, long Archived, long InBoth);

/// <summary>
/// A backend whose storages live in a database that outlives them (SQLite file, PostgreSQL schema): a storage can be
/// reopened on the same data with other options, and the payment tables can be inspected directly. The in-memory
/// backend has neither (its data dies with the instance), so tests fall back to the public API there.
/// </summary>
public interface IDatabaseFixture
{
    /// <summary>Opens the database of <paramref name="storage"/> (made by this fixture) again, with the fixture's options
    /// changed by <paramref name="configure"/>; migrations run as on any open.</summary>
    Task<ICedrosStorage> ReopenAsync(ICedrosStorage storage, TimeProvider time, Action<StorageOptions>? configure = null);

    /// <summary>Counts, among <paramref name="signatures"/>, the rows of the hot ledger and of the archive table that
    /// <paramref name="storage"/> is configured with (the archive counts 0 when archival deletes).</summary>
    Task<PaymentTableCounts> CountPaymentRowsAsync(ICedrosStorage storage, IReadOnlyCollection<string> signatures);
}
