using Cedros.Storage;
using Cedros.Storage.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Fails start-up when no registered <see cref="IStorageBackendFactory"/> opens <c>storage.backend</c>.</summary>
internal sealed class BackendFactoryValidator(IEnumerable<IStorageBackendFactory> factories) : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        StorageOpener.FindFactory(factories, options.Backend) is null && Enum.IsDefined(options.Backend)
            ? ValidateOptionsResult.Fail(StorageOpener.NoFactory(options.Backend).Message)
            : ValidateOptionsResult.Success;
}
