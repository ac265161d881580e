namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>Thrown by a SQL driver inside its atomic step to roll back the rows of a batch it already wrote when item
/// <see cref="Item"/> could not be; the driver catches it outside the step and reports the item as its outcome. Never
/// leaves a driver.</summary>
internal sealed class DriverRollback(int item) : Exception
{
    public int Item { get; } = item;
}
