using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace DhtRpc.Cli.Simulate;

/// <summary>Continuous churn on a built network: departures and joins at a rate while lookups run.</summary>
internal sealed partial class ScaleExperiment
{
    /// <summary>
    /// For <see cref="ChurnOptions.Duration"/> of virtual time, every second: the due share of the live
    /// nodes goes offline at once and is disposed (a crash: no goodbye reaches anyone), as many new nodes
    /// start joining (each seeded with random live nodes, as at build time), and the due lookups start,
    /// from a random joined live node toward another one's id. Lookups still running when the time is up
    /// are awaited.
    /// </summary>
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded, reproducible experiment.")]
    public ChurnRun RunChurn(ChurnOptions churn)
    {
        ArgumentNullException.ThrowIfNull(churn);
        var wall = Stopwatch.StartNew();
        var startDatagrams = Host.Network.DatagramsSent;
        var live = Enumerable.Range(0, _nodes.Count).Where(i => !_offline.Contains(i)).ToList();
        var alive = new HashSet<int>(live);
        // Joined and live: where lookups start and what they look for.
        var ready = new List<int>(live);
        var minutes = new List<ChurnMinute>();
        var lookups = new List<ChurnLookup>();
        var running = new List<Task>();
        int left = 0, joined = 0;

        Host.Run(async () =>
        {
            var steps = (int)(churn.Duration / ChurnOptions.Step);
            var stepsPerMinute = (int)(TimeSpan.FromMinutes(1) / ChurnOptions.Step);
            var departuresPerStep = churn.PercentPerMinute * ChurnOptions.Step.TotalMinutes;
            var lookupsPerStep = (double)churn.Lookups / steps;
            double departuresDue = 0, lookupsDue = 0;
            for (var step = 0; step < steps; step++)
            {
                _options.Stop.ThrowIfCancellationRequested();
                var minute = step / stepsPerMinute;
                departuresDue += departuresPerStep * live.Count;
                // The tolerance keeps sums of fractions such as 60 × 0.1 from falling just short of a whole node.
                for (; departuresDue >= 1 - 1e-9 && live.Count > 2; departuresDue--)
                {
                    var gone = live[_random.Next(live.Count)];
                    Remove(live, gone);
                    alive.Remove(gone);
                    Remove(ready, gone);
                    _offline.Add(gone);
                    Host.Network.SetHostOffline(_hosts[gone], true);
                    running.Add(_nodes[gone].DisposeAsync().AsTask());
                    left++;

                    var index = _nodes.Count;
                    var node = Create(index, PickLive(live));
                    live.Add(index);
                    alive.Add(index);
                    running.Add(JoinAsync(node, index));
                }

                for (lookupsDue += lookupsPerStep; lookupsDue >= 1 - 1e-9 && ready.Count > 1; lookupsDue--)
                {
                    var origin = ready[_random.Next(ready.Count)];
                    int target;
                    do
                    {
                        target = ready[_random.Next(ready.Count)];
                    }
                    while (target == origin);

                    running.Add(LookupAsync(origin, target, minute));
                }

                await Host.DelayAsync(ChurnOptions.Step).ConfigureAwait(true);
                if ((step + 1) % stepsPerMinute == 0 || step == steps - 1)
                {
                    minutes.Add(new ChurnMinute(minute, live.Count, left, joined));
                    left = 0;
                    joined = 0;
                }
            }

            // One at a time on the loop: a Task.WhenAll would finish on the thread pool.
            foreach (var task in running)
            {
                await task.ConfigureAwait(true);
            }
        });

        using var process = Process.GetCurrentProcess();
        return new ChurnRun(minutes, lookups, wall.Elapsed, Host.Network.DatagramsSent - startDatagrams, process.PeakWorkingSet64);

        async Task JoinAsync(DhtNode node, int index)
        {
            try
            {
                await node.FullyBootstrappedAsync().ConfigureAwait(true);
            }
            catch (DhtException)
            {
                // It left before it finished joining.
                return;
            }

            if (alive.Contains(index))
            {
                ready.Add(index);
                joined++;
            }
        }

        async Task LookupAsync(int origin, int target, int minute)
        {
            var targetId = _nodes[target].Id!.Value;
            var started = Host.Clock.Elapsed;
            var query = _nodes[origin].FindNode(targetId);
            try
            {
                await query.Completion.ConfigureAwait(true);
            }
            catch (DhtException)
            {
                // A failed walk counts as a miss below.
            }

            var closest = query.ClosestReplies;
            var found = closest.Count > 0 && closest[0].From.Id == targetId;
            lookups.Add(new ChurnLookup(
                minute,
                found,
                alive.Contains(origin) && alive.Contains(target),
                query.ClosestDepth,
                Host.Clock.Elapsed - started,
                query.Successes + query.Errors,
                query.Errors));
        }
    }

    /// <summary>Random live nodes a newcomer starts from (it may pick one twice, as at build time).</summary>
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded, reproducible experiment.")]
    private Wire.Ipv4Endpoint[] PickLive(List<int> live)
    {
        var seeds = new Wire.Ipv4Endpoint[Math.Min(_options.SeedPeers, live.Count)];
        for (var i = 0; i < seeds.Length; i++)
        {
            seeds[i] = new Wire.Ipv4Endpoint(_hosts[live[_random.Next(live.Count)]], Port);
        }

        return seeds;
    }

    /// <summary>Removes a value from an unordered list by moving the last element into its place.</summary>
    private static void Remove(List<int> list, int value)
    {
        var at = list.IndexOf(value);
        if (at >= 0)
        {
            list[at] = list[^1];
            list.RemoveAt(list.Count - 1);
        }
    }
}
