namespace DhtRpc.Hostile;

/// <summary>Samples a node process's resident memory every 100 ms on its own thread and keeps the peak.</summary>
internal sealed class RssSampler : IDisposable
{
    private readonly NodeProcess _node;
    private readonly Thread _thread;
    private volatile bool _stop;
    private long _peak;

    public RssSampler(NodeProcess node)
    {
        _node = node;
        _peak = node.RssBytes();
        _thread = new Thread(Run) { IsBackground = true, Name = "rss-sampler" };
        _thread.Start();
    }

    public long Peak => Interlocked.Read(ref _peak);

    public void Dispose()
    {
        _stop = true;
        _thread.Join();
    }

    private void Run()
    {
        // Bounded by the owner's Dispose and by a cap of one hour of samples.
        for (var i = 0; i < 36_000 && !_stop && !_node.HasExited; i++)
        {
            var rss = _node.RssBytes();
            if (rss > Interlocked.Read(ref _peak))
            {
                Interlocked.Exchange(ref _peak, rss);
            }

            Thread.Sleep(100);
        }
    }
}
