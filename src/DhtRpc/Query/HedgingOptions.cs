namespace DhtRpc.Query;

/// <summary>
/// When a query stops waiting for a visited node that has not answered yet. Each visit gets a
/// deadline of the node's smoothed round trip plus <see cref="Deviations"/> times its deviation,
/// within [<see cref="Min"/>, <see cref="Max"/>]; past it the visit counts as slow, as it would at
/// its first timeout: the walk asks another node in its place and may end without it. The request
/// itself goes on (a late reply still counts) until the walk ends; past its first full timeout it
/// no longer holds the walk's end even when fewer than k nodes answered (dht-rpc waits out every
/// retry then: six seconds per dead node in a small or half-dead network). A node that never answered then
/// gets a down hint sent to whoever named it, and a check if it is in our table, so that dead nodes
/// leave routing tables quickly. Nothing of this is on the wire: peers see ordinary requests.
/// </summary>
public sealed record HedgingOptions
{
    /// <summary>The shortest deadline, whatever the round trips measured (slack for busy peers).</summary>
    public TimeSpan Min { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>The longest deadline; a request's first timeout comes first when it is shorter.</summary>
    public TimeSpan Max { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How many round-trip deviations above the mean a reply may still take.</summary>
    public int Deviations { get; init; } = 4;
}
