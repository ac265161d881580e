using System.Collections.ObjectModel;

namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>The queue's count per status as every backend reports it: each status present, 0 when it has no row.</summary>
internal static class WebhookCounts
{
    public static ReadOnlyDictionary<WebhookStatus, long> ByStatus(IEnumerable<(WebhookStatus Status, long Count)> rows)
    {
        var counts = Enum.GetValues<WebhookStatus>().ToDictionary(s => s, _ => 0L);
        foreach (var (status, count) in rows) counts[status] += count;
        return counts.AsReadOnly();
    }
}
