using Cedros.Storage.Webhooks;

namespace Cedros.Storage.Tests.Unit;

public sealed class WebhookRetryTests
{
    [Fact]
    public void The_default_schedule_is_5s_5min_30min_2h_5h_10h() =>
        Assert.Equal(
            new[] { TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10) },
            WebhookRetry.DefaultSchedule);

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 300)]
    [InlineData(3, 1800)]
    [InlineData(4, 7200)]
    [InlineData(5, 18000)]
    [InlineData(6, 36000)]
    public void FromSchedule_picks_the_step_of_the_attempt(int attempts, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), WebhookRetry.FromSchedule(attempts));

    [Theory]
    [InlineData(7)]
    [InlineData(100)]
    [InlineData(int.MaxValue)]
    public void FromSchedule_repeats_the_last_step_after_the_schedule_ends(int attempts) =>
        Assert.Equal(TimeSpan.FromHours(10), WebhookRetry.FromSchedule(attempts));

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void FromSchedule_treats_attempts_below_one_as_the_first_step(int attempts) =>
        Assert.Equal(TimeSpan.FromSeconds(5), WebhookRetry.FromSchedule(attempts));

    [Fact]
    public void FromSchedule_uses_a_custom_schedule()
    {
        TimeSpan[] schedule = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)];
        Assert.Equal(TimeSpan.FromSeconds(1), WebhookRetry.FromSchedule(1, schedule));
        Assert.Equal(TimeSpan.FromSeconds(2), WebhookRetry.FromSchedule(2, schedule));
        Assert.Equal(TimeSpan.FromSeconds(2), WebhookRetry.FromSchedule(9, schedule));
    }

    [Fact]
    public void FromSchedule_rejects_an_empty_schedule() =>
        Assert.ThrowsAny<ArgumentException>(() => WebhookRetry.FromSchedule(1, []));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(10, 512)]
    public void The_exponential_ceiling_doubles_with_each_attempt(int attempts, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), WebhookRetry.ExponentialCeiling(attempts, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)));

    [Theory]
    [InlineData(13)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void The_exponential_ceiling_is_capped(int attempts) =>
        Assert.Equal(TimeSpan.FromHours(1), WebhookRetry.ExponentialCeiling(attempts, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)));

    [Fact]
    public void The_exponential_ceiling_equals_the_cap_exactly_at_the_crossing()
    {
        Assert.Equal(TimeSpan.FromSeconds(8), WebhookRetry.ExponentialCeiling(4, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)));
        Assert.Equal(TimeSpan.FromSeconds(8), WebhookRetry.ExponentialCeiling(5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void The_exponential_ceiling_treats_attempts_below_one_as_the_first(int attempts) =>
        Assert.Equal(TimeSpan.FromSeconds(3), WebhookRetry.ExponentialCeiling(attempts, TimeSpan.FromSeconds(3), TimeSpan.FromHours(1)));

    [Fact]
    public void Full_jitter_stays_within_zero_and_the_ceiling()
    {
        var random = new Random(12345);
        for (var attempts = 1; attempts <= 20; attempts++)
        {
            var ceiling = WebhookRetry.ExponentialCeiling(attempts, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10));
            for (var i = 0; i < 200; i++)
            {
                var delay = WebhookRetry.ExponentialWithJitter(attempts, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(10), random);
                Assert.InRange(delay, TimeSpan.Zero, ceiling);
            }
        }
    }

    [Fact]
    public void Full_jitter_spreads_delays_across_the_range()
    {
        var random = new Random(42);
        var delays = Enumerable.Range(0, 1000)
            .Select(_ => WebhookRetry.ExponentialWithJitter(5, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), random))
            .ToArray();
        Assert.Contains(delays, d => d < TimeSpan.FromSeconds(4));
        Assert.Contains(delays, d => d > TimeSpan.FromSeconds(12));
        Assert.True(delays.Distinct().Count() > 900);
    }

    [Fact]
    public void Full_jitter_is_reproducible_with_a_seeded_random()
    {
        var first = WebhookRetry.ExponentialWithJitter(3, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), new Random(7));
        var second = WebhookRetry.ExponentialWithJitter(3, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1), new Random(7));
        Assert.Equal(first, second);
    }

    [Fact]
    public void Full_jitter_without_a_random_uses_the_shared_one_and_stays_in_bounds()
    {
        var delay = WebhookRetry.ExponentialWithJitter(3, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        Assert.InRange(delay, TimeSpan.Zero, TimeSpan.FromSeconds(4));
    }

    [Theory]
    [InlineData(0, 5, false)]
    [InlineData(4, 5, false)]
    [InlineData(5, 5, true)]
    [InlineData(6, 5, true)]
    [InlineData(1, 1, true)]
    public void IsExhausted_when_attempts_reach_max_attempts(int attempts, int maxAttempts, bool exhausted) =>
        Assert.Equal(exhausted, WebhookRetry.IsExhausted(attempts, maxAttempts));
}
