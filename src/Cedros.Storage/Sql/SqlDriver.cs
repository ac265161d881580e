using System.Data.Common;
using Cedros.Storage.Schema;

namespace Cedros.Storage.Sql;

/// <summary>
/// The SQL both backends run alike, written once (as Quartz.NET's <c>StdAdoDelegate</c> is for its per-database
/// delegates): statements over the <c>[[entity]]</c> template syntax, in no backend's library, with every row read and bound by Schema/Rows through the backend's <see cref="SqlCodec"/>. A backend
/// supplies the four ways to run one statement below and implements only the operations whose SQL really differs
/// (claims with SKIP LOCKED or under BEGIN IMMEDIATE, the archive guard, search, advisory locks, batches as arrays or
/// as one prepared statement per row). Each method here is one statement, atomic as it stands.
/// Parameters are named <c>@name</c>; <c>{C}</c> in a template is the binary collation (<see cref="SqlCodec.Dialect"/>).
/// </summary>
internal abstract partial class SqlDriver(SqlCodec codec, ResolvedTables tables, string tenantId)
{
    /// <summary>The binary collation's token in a template: <c>ORDER BY id COLLATE {C}</c> sorts ids ordinally on both
    /// backends (PostgreSQL <c>"C"</c>, SQLite <c>BINARY</c>; <see cref="SqlCodec.Dialect"/> substitutes it).</summary>
    internal const string C = "{C}";

    public string TenantId { get; } = tenantId;

    internal SqlCodec Codec { get; } = codec;

    /// <summary>The mapped tables the templates render against.</summary>
    internal ResolvedTables Tables { get; } = tables;

    /// <summary>The tenant parameter every tenant-owned statement binds.</summary>
    internal (string, object?) Tenant => ("@tenant", TenantId);

    /// <summary>Runs one writing statement (its own transaction, or a savepoint of the current one); rows changed.</summary>
    internal abstract Task<int> ExecuteAsync(string template, (string Name, object? Value)[] args, CancellationToken cancellationToken);

    /// <summary>Runs one reading statement; the first row or null.</summary>
    internal abstract Task<T?> OneAsync<T>(string template, Func<DbDataReader, T> read, (string Name, object? Value)[] args,
        CancellationToken cancellationToken) where T : class;

    /// <summary>Runs one reading statement; every row.</summary>
    internal abstract Task<List<T>> ListAsync<T>(string template, Func<DbDataReader, T> read, (string Name, object? Value)[] args,
        CancellationToken cancellationToken);

    /// <summary>Runs one writing statement that returns a row (<c>UPDATE … RETURNING</c>), in a transaction, so the row is
    /// read before the commit: a row that cannot be read rolls the change back, and a call that committed never throws.</summary>
    internal abstract Task<T?> WriteOneAsync<T>(string template, Func<DbDataReader, T> read, (string Name, object? Value)[] args,
        CancellationToken cancellationToken) where T : class;

    /// <summary>Every tenant id with at least one row in any table (any tenant's), ordered.</summary>
    public async Task<IReadOnlyList<string>> ListTenantIdsAsync(CancellationToken cancellationToken) =>
        [.. (await ListAsync(Tables.TenantIdsTemplate(), static r => r.GetString(0), [], cancellationToken).ConfigureAwait(false))
            .Order(StringComparer.Ordinal)];

    /// <summary>True when the statement returns a row.</summary>
    internal async Task<bool> ExistsAsync(string template, (string Name, object? Value)[] args, CancellationToken cancellationToken) =>
        (await ListAsync(template, static _ => true, args, cancellationToken).ConfigureAwait(false)).Count > 0;

    internal async Task<bool> ExecuteOneAsync(string template, (string Name, object? Value)[] args, CancellationToken cancellationToken) =>
        await ExecuteAsync(template, args, cancellationToken).ConfigureAwait(false) == 1;

    internal async Task<IReadOnlyList<T>> ReadOnlyListAsync<T>(string template, Func<DbDataReader, T> read,
        (string Name, object? Value)[] args, CancellationToken cancellationToken) =>
        await ListAsync(template, read, args, cancellationToken).ConfigureAwait(false);
}
