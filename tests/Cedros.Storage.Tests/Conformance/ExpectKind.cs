namespace Cedros.Storage.Tests.Conformance;

/// <summary>Asserts that a call fails with a <see cref="StorageException"/> of one kind (thrown synchronously or not).</summary>
public static class ExpectKind
{
    public static async Task<StorageException> Of(StorageErrorKind kind, Func<Task> call)
    {
        var ex = await Assert.ThrowsAnyAsync<StorageException>(call);
        Assert.Equal(kind, ex.Kind);
        return ex;
    }

    public static Task<StorageException> Validation(Func<Task> call) => Of(StorageErrorKind.Validation, call);
    public static Task<StorageException> Conflict(Func<Task> call) => Of(StorageErrorKind.Conflict, call);
    public static Task<StorageException> NotFound(Func<Task> call) => Of(StorageErrorKind.NotFound, call);
    public static Task<StorageException> LimitReached(Func<Task> call) => Of(StorageErrorKind.LimitReached, call);
}
