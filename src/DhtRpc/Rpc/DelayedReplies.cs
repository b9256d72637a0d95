using DhtRpc.Threading;
using DhtRpc.Wire;

namespace DhtRpc.Rpc;

/// <summary>
/// The DELAYED_PING replies a node still owes, bounded per source address and in all, so a flood of
/// them cannot pile up timers and memory. Adding and removing are O(1); a request over a bound is
/// refused (not answered, as dht-rpc leaves a delay over its limit unanswered) and counted.
/// Used from the node's context only.
/// </summary>
internal sealed class DelayedReplies : IDisposable
{
    private readonly NodeContext _context;
    private readonly TimeProvider _time;
    private readonly int _perSource;
    private readonly int _total;
    private readonly RefusalStats _refused;
    private readonly HashSet<ITimer> _timers = [];
    private readonly Dictionary<uint, int> _bySource = [];
    private bool _disposed;

    public DelayedReplies(NodeContext context, DhtNodeOptions options, RefusalStats refused)
    {
        _context = context;
        _time = options.TimeProvider;
        _perSource = options.MaxDelayedPingsPerSource;
        _total = options.MaxDelayedPings;
        _refused = refused;
    }

    /// <summary>Replies still owed.</summary>
    public int Count => _timers.Count;

    /// <summary>Runs <paramref name="reply"/> after <paramref name="delay"/> unless a bound is reached; false when refused.</summary>
    public bool TrySchedule(Ipv4Endpoint from, TimeSpan delay, Action reply)
    {
        if (_disposed)
        {
            return false;
        }

        if (_timers.Count >= _total)
        {
            _refused.DelayedPingsOverTotal++;
            return false;
        }

        var pending = _bySource.GetValueOrDefault(from.Address);
        if (pending >= _perSource)
        {
            _refused.DelayedPingsOverSource++;
            return false;
        }

        _bySource[from.Address] = pending + 1;
        ITimer? timer = null;
        timer = _time.CreateTimer(
            _ => _context.Post(() =>
            {
                if (Release(timer!, from.Address))
                {
                    reply();
                }
            }),
            null,
            Timeout.InfiniteTimeSpan,
            Timeout.InfiniteTimeSpan);
        _timers.Add(timer);
        timer.Change(delay, Timeout.InfiniteTimeSpan);
        return true;
    }

    /// <summary>Cancels every reply still owed (the node is destroyed).</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var timer in _timers)
        {
            timer.Dispose();
        }

        _timers.Clear();
        _bySource.Clear();
    }

    private bool Release(ITimer timer, uint source)
    {
        timer.Dispose();

        // Dispose empties the set, so a timer still in it belongs to a live node.
        if (!_timers.Remove(timer))
        {
            return false;
        }

        var left = _bySource[source] - 1;
        if (left == 0)
        {
            _bySource.Remove(source);
        }
        else
        {
            _bySource[source] = left;
        }

        return true;
    }
}
