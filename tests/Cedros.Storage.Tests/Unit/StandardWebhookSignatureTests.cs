using Cedros.Storage.Webhooks;

namespace Cedros.Storage.Tests.Unit;

public sealed class StandardWebhookSignatureTests
{
    // The example of the Standard Webhooks specification and reference libraries.
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const string Payload = "{\"test\": 2432232314}";
    private static readonly DateTimeOffset Sent = DateTimeOffset.FromUnixTimeSeconds(1614265330);

    [Fact]
    public void Sign_matches_the_specification_example() =>
        Assert.Equal("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", StandardWebhookSignature.Sign(Secret, Id, Sent, Payload));

    [Fact]
    public void Verify_accepts_a_valid_signature_among_several()
    {
        var signature = StandardWebhookSignature.Sign(Secret, Id, Sent, Payload);
        Assert.True(StandardWebhookSignature.Verify(Secret, Id, "1614265330", $"v1,bm90IGl0 {signature}", Payload, Sent.AddMinutes(4)));
    }

    [Theory]
    [InlineData("payload")]
    [InlineData("id")]
    [InlineData("secret")]
    [InlineData("too old")]
    [InlineData("in the future")]
    [InlineData("no v1")]
    [InlineData("garbage")]
    public void Verify_refuses_anything_else(string change)
    {
        var signature = StandardWebhookSignature.Sign(Secret, Id, Sent, Payload);
        var ok = change switch
        {
            "payload" => StandardWebhookSignature.Verify(Secret, Id, "1614265330", signature, Payload + " ", Sent),
            "id" => StandardWebhookSignature.Verify(Secret, Id + "x", "1614265330", signature, Payload, Sent),
            "secret" => StandardWebhookSignature.Verify("whsec_" + Convert.ToBase64String(new byte[24]), Id, "1614265330", signature, Payload, Sent),
            "too old" => StandardWebhookSignature.Verify(Secret, Id, "1614265330", signature, Payload, Sent.AddMinutes(6)),
            "in the future" => StandardWebhookSignature.Verify(Secret, Id, "1614265330", signature, Payload, Sent.AddMinutes(-6)),
            "no v1" => StandardWebhookSignature.Verify(Secret, Id, "1614265330", signature.Replace("v1,", "v2,", StringComparison.Ordinal), Payload, Sent),
            _ => StandardWebhookSignature.Verify(Secret, Id, "16142x65330", "v1,%%%", Payload, Sent),
        };
        Assert.False(ok);
    }
}
