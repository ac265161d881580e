using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cedros.Storage.Webhooks;

/// <summary>
/// Signs and verifies webhooks the Standard Webhooks way (standardwebhooks.com): the signature is
/// <c>v1,</c> + base64(HMAC-SHA256(secret, <c>{webhook-id}.{webhook-timestamp}.{payload}</c>)), sent in the
/// <c>webhook-signature</c> header with <c>webhook-id</c> and <c>webhook-timestamp</c> (Unix seconds). The dispatcher signs
/// with it; receivers verify with it.
/// </summary>
/// <remarks>A secret of the form <c>whsec_&lt;base64&gt;</c> (the Standard Webhooks format) is used as the decoded
/// bytes; any other secret as its UTF-8 bytes.</remarks>
public static class StandardWebhookSignature
{
    /// <summary>The header carrying the webhook id (stable across retries: receivers deduplicate on it).</summary>
    public const string IdHeader = "webhook-id";

    /// <summary>The header carrying the send time in Unix seconds.</summary>
    public const string TimestampHeader = "webhook-timestamp";

    /// <summary>The header carrying one or more space-separated <c>v1,&lt;base64&gt;</c> signatures.</summary>
    public const string SignatureHeader = "webhook-signature";

    /// <summary>How far a timestamp may be from now, either way, before verification refuses it (5 minutes).</summary>
    public static TimeSpan DefaultTolerance { get; } = TimeSpan.FromMinutes(5);

    private const string SecretPrefix = "whsec_";

    /// <summary>The <c>webhook-signature</c> value (<c>v1,&lt;base64&gt;</c>) of a payload sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, string webhookId, DateTimeOffset timestamp, string payload) =>
        Sign(secret, webhookId, timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), payload);

    /// <summary>The <c>webhook-signature</c> value for the raw <c>webhook-timestamp</c> header value.</summary>
    public static string Sign(string secret, string webhookId, string timestamp, string payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(webhookId);
        ArgumentNullException.ThrowIfNull(timestamp);
        ArgumentNullException.ThrowIfNull(payload);
        return "v1," + Convert.ToBase64String(Mac(secret, webhookId, timestamp, payload));
    }

    /// <summary>
    /// True when <paramref name="signatureHeader"/> holds a <c>v1</c> signature of the payload made with
    /// <paramref name="secret"/>, and <paramref name="timestampHeader"/> is within <paramref name="tolerance"/>
    /// (default <see cref="DefaultTolerance"/>) of <paramref name="now"/> (replay protection). Compares in constant time.
    /// </summary>
    public static bool Verify(string secret, string? webhookId, string? timestampHeader, string? signatureHeader, string payload,
        DateTimeOffset now, TimeSpan? tolerance = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(payload);
        if (string.IsNullOrEmpty(webhookId) || string.IsNullOrEmpty(timestampHeader) || string.IsNullOrEmpty(signatureHeader))
            return false;
        if (!long.TryParse(timestampHeader, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return false;
        var allowed = (long)Math.Ceiling((tolerance ?? DefaultTolerance).TotalSeconds);
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > allowed) return false;
        var expected = Mac(secret, webhookId, timestampHeader, payload);
        Span<byte> given = stackalloc byte[64];
        foreach (var part in signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!part.StartsWith("v1,", StringComparison.Ordinal)) continue;
            if (Convert.TryFromBase64String(part[3..], given, out var written) && written == expected.Length
                && CryptographicOperations.FixedTimeEquals(given[..written], expected))
                return true;
        }
        return false;
    }

    private static byte[] Mac(string secret, string webhookId, string timestamp, string payload)
    {
        var key = secret.StartsWith(SecretPrefix, StringComparison.Ordinal)
            ? Convert.FromBase64String(secret[SecretPrefix.Length..])
            : Encoding.UTF8.GetBytes(secret);
        return HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{webhookId}.{timestamp}.{payload}"));
    }
}
