using Cedros.Storage.Configuration;

namespace Cedros.Storage.Tests.Unit;

public sealed class DurationParserTests
{
    public static TheoryData<string, TimeSpan> Valid => new()
    {
        { "2160h", TimeSpan.FromHours(2160) },
        { "24h", TimeSpan.FromHours(24) },
        { "90m", TimeSpan.FromMinutes(90) },
        { "1h30m", TimeSpan.FromMinutes(90) },
        { "1h30m15s", new TimeSpan(1, 30, 15) },
        { "1.5h", TimeSpan.FromMinutes(90) },
        { ".5h", TimeSpan.FromMinutes(30) },
        { "300ms", TimeSpan.FromMilliseconds(300) },
        { "10s", TimeSpan.FromSeconds(10) },
        { "1.25s", TimeSpan.FromMilliseconds(1250) },
        { "0", TimeSpan.Zero },
        { "0s", TimeSpan.Zero },
        { "-0", TimeSpan.Zero },
        { "+5m", TimeSpan.FromMinutes(5) },
        { "-1h", TimeSpan.FromHours(-1) },
        { "250us", TimeSpan.FromMicroseconds(250) },
        { "250\u00b5s", TimeSpan.FromMicroseconds(250) },
        { "250\u03bcs", TimeSpan.FromMicroseconds(250) },
        { "1500ns", TimeSpan.FromTicks(15) },
        { "1ns", TimeSpan.Zero },
        { "1h1m1s1ms1us", new TimeSpan(0, 1, 1, 1, 1, 1) },
        { " 15m ", TimeSpan.FromMinutes(15) },
        { "01:30:00", TimeSpan.FromMinutes(90) },
        { "1.00:00:00", TimeSpan.FromDays(1) },
        { "90.00:00:00", TimeSpan.FromDays(90) },
        { "00:00:00.5", TimeSpan.FromMilliseconds(500) },
        { "00:05:00", TimeSpan.FromMinutes(5) },
        { "90d", TimeSpan.FromDays(90) },
        { "1d", TimeSpan.FromDays(1) },
        { "1d12h", TimeSpan.FromHours(36) },
        { "1.5d", TimeSpan.FromHours(36) },
        { "12h", TimeSpan.FromHours(12) },
        { "30m", TimeSpan.FromMinutes(30) },
        { "45s", TimeSpan.FromSeconds(45) },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Valid_durations_parse(string text, TimeSpan expected) =>
        Assert.Equal(expected, DurationParser.Parse(text, "storage.test"));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("10")]
    [InlineData("h")]
    [InlineData("1x")]
    [InlineData("1D")]
    [InlineData("1w")]
    [InlineData("90 days")]
    [InlineData("1H")]
    [InlineData(".h")]
    [InlineData("1h30")]
    [InlineData("1..5h")]
    [InlineData("-")]
    [InlineData("1h-5m")]
    [InlineData("abc")]
    [InlineData("25:99:99")]
    [InlineData("1:2:3:4:5")]
    [InlineData("99999999999999999999h")]
    public void Invalid_durations_fail_naming_the_key(string text)
    {
        Assert.False(DurationParser.TryParse(text, out _));
        var error = Assert.Throws<StorageConfigurationException>(() => DurationParser.Parse(text, "storage.archival.run_interval"));
        Assert.Equal("storage.archival.run_interval", error.Key);
        Assert.Contains("storage.archival.run_interval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_is_not_a_duration() => Assert.False(DurationParser.TryParse(null, out _));
}
