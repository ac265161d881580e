using System.Globalization;

namespace Cedros.Storage.Configuration;

/// <summary>
/// Parses configured durations. Accepts Go-style durations (<c>2160h</c>, <c>90m</c>, <c>1h30m</c>, <c>1.5h</c>,
/// <c>300ms</c>, <c>10s</c>, <c>0</c>; units <c>ns</c>, <c>us</c>/<c>µs</c>, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c>,
/// plus <c>d</c> (24 h, as operators write retention: <c>90d</c>), which Go lacks; an optional leading sign) and .NET <see cref="TimeSpan"/> forms that contain a colon (<c>01:30:00</c>,
/// <c>1.00:00:00</c>). A bare number other than <c>0</c> is rejected: <c>10</c> is ambiguous (Go refuses it, .NET reads
/// it as ten days). Precision is one tick (100 ns); finer fractions are truncated.
/// </summary>
internal static class DurationParser
{
    /// <summary>Parses <paramref name="value"/> or throws <see cref="StorageConfigurationException"/> naming <paramref name="key"/>.</summary>
    public static TimeSpan Parse(string value, string key) =>
        TryParse(value, out var result, out var error)
            ? result
            : throw new StorageConfigurationException(key, $"'{value}' is not a valid duration ({error}); use e.g. 90d, 12h, 30m, 1h30m, 45s or 01:30:00.");

    /// <summary>True when <paramref name="value"/> is a valid duration.</summary>
    public static bool TryParse(string? value, out TimeSpan result) => TryParse(value, out result, out _);

    private static bool TryParse(string? value, out TimeSpan result, out string error)
    {
        result = default;
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            error = "empty";
            return false;
        }
        if (text.Contains(':', StringComparison.Ordinal))
        {
            if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out result))
            {
                error = "";
                return true;
            }
            error = "not a TimeSpan of the form [-][d.]hh:mm:ss[.fffffff]";
            return false;
        }
        return TryParseGo(text, out result, out error);
    }

    private static bool TryParseGo(string s, out TimeSpan result, out string error)
    {
        result = default;
        var negative = false;
        var i = 0;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            i = 1;
        }
        if (s[i..] == "0")
        {
            error = "";
            return true;
        }
        if (i == s.Length)
        {
            error = "no number";
            return false;
        }

        decimal ticks = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            var intDigits = i - start;
            var fracDigits = 0;
            if (i < s.Length && s[i] == '.')
            {
                i++;
                var fracStart = i;
                while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
                fracDigits = i - fracStart;
            }
            if (intDigits == 0 && fracDigits == 0)
            {
                error = "expected a number";
                return false;
            }
            var numberText = s[start..i];
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            var unit = s[unitStart..i];
            if (unit.Length == 0)
            {
                error = "missing unit";
                return false;
            }
            var ticksPerUnit = TicksPerUnit(unit);
            if (ticksPerUnit is null)
            {
                error = $"unknown unit '{unit}'";
                return false;
            }
            if (!decimal.TryParse(numberText.EndsWith('.') ? numberText + "0" : numberText,
                    NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                error = "number out of range";
                return false;
            }
            try
            {
                ticks += number * ticksPerUnit.Value;
            }
            catch (OverflowException)
            {
                error = "out of range";
                return false;
            }
        }

        ticks = decimal.Truncate(ticks);
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            error = "out of range";
            return false;
        }
        result = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        error = "";
        return true;
    }

    private static decimal? TicksPerUnit(string unit) => unit switch
    {
        "ns" => 0.01m,
        "us" or "\u00b5s" or "\u03bcs" => TimeSpan.TicksPerMicrosecond,
        "ms" => TimeSpan.TicksPerMillisecond,
        "s" => TimeSpan.TicksPerSecond,
        "m" => TimeSpan.TicksPerMinute,
        "h" => TimeSpan.TicksPerHour,
        "d" => TimeSpan.TicksPerDay,
        _ => null,
    };
}
