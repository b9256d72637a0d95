using System.Net;
using System.Text.Json;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// What the storage scenarios share: a `dht bootstrap` and a `dht node --data DIR` on a folder the
/// scenario owns, the quota options passed only when this build of `dht node` lists them, the node's
/// INFO read through a probe, and the folder removed at the end.
/// </summary>
internal sealed class StorageScenario : IAsyncDisposable
{
    public static readonly IPAddress ProbeAddress = IPAddress.Loopback;

    private readonly List<string> _more;
    private readonly bool _ownsData;

    private StorageScenario(DhtCli cli, NodeProcess bootstrap, string data, bool ownsData, List<string> more)
    {
        Cli = cli;
        Bootstrap = bootstrap;
        Data = data;
        _ownsData = ownsData;
        _more = more;
    }

    public DhtCli Cli { get; }

    public NodeProcess Bootstrap { get; }

    /// <summary>The node's data folder.</summary>
    public string Data { get; }

    /// <summary>The running node (null before <see cref="StartNodeAsync"/>, and after a kill until it is started again).</summary>
    public NodeProcess? Node { get; private set; }

    /// <summary>The node's port, kept across restarts.</summary>
    public int Port { get; private set; }

    /// <summary>The node arguments beyond --data, --port and --bootstrap, as the report names them.</summary>
    public string Arguments(IReadOnlyList<string> extra) =>
        string.Join(' ', extra.Concat(_more).Select(a => $"`{a}`")) is { Length: > 0 } text ? text : "none";

    /// <summary>
    /// A bootstrap, and a data folder for the node: <paramref name="data"/> when given (the caller's, kept),
    /// else a fresh one under the temporary folder (removed at the end). --source-quota-bytes and
    /// --source-quota-items go to the node when the options ask for them and `dht node --help` lists them.
    /// </summary>
    public static async Task<StorageScenario> CreateAsync(Args args, string? data = null)
    {
        var cli = DhtCli.From(args);
        var more = new List<string>();
        foreach (var option in new[] { "source-quota-bytes", "source-quota-items" })
        {
            if (args.Get(option) is { } value && await cli.AcceptsAsync("node", "--" + option).ConfigureAwait(false))
            {
                more.AddRange(["--" + option, value]);
            }
        }

        var owns = data is null;
        data ??= Path.Combine(Path.GetTempPath(), "dht-storage-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        var bootstrap = await NodeProcess.StartBootstrapAsync(cli).ConfigureAwait(false);
        return new StorageScenario(cli, bootstrap, data, owns, more);
    }

    /// <summary>What the report says about the options asked for that this build does not take.</summary>
    public static async Task<string> RefusedOptionsAsync(Args args, DhtCli cli)
    {
        var refused = new List<string>();
        foreach (var option in new[] { "source-quota-bytes", "source-quota-items" })
        {
            if (args.Get(option) is not null && !await cli.AcceptsAsync("node", "--" + option).ConfigureAwait(false))
            {
                refused.Add("--" + option);
            }
        }

        return refused.Count == 0 ? "" : $" Asked for but not listed by this build's `dht node --help`, so not passed: {string.Join(", ", refused)}.";
    }

    /// <summary>Starts the node on the data folder (again on the same port after the first start).</summary>
    public async Task<NodeProcess> StartNodeAsync()
    {
        Node = await NodeProcess.StartStorageNodeAsync(Cli, Bootstrap.Endpoint, Data, Port, _more).ConfigureAwait(false);
        Port = Node.Endpoint.Port;
        return Node;
    }

    /// <summary>SIGKILL to the node, then forgets it.</summary>
    public void KillNode()
    {
        Node?.KillHard();
        Node?.Dispose();
        Node = null;
    }

    /// <summary>SIGTERM to the node (a clean shutdown); true when it exited within 30 s.</summary>
    public async Task<bool> StopNodeAsync()
    {
        if (Node is null)
        {
            return true;
        }

        var stopped = await Node.StopAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        Node.Dispose();
        Node = null;
        return stopped;
    }

    /// <summary>The node's INFO (items in both spaces, bytes, counters) read from 127.0.0.1 with a token; null when it did not answer.</summary>
    public static NodeInfoView? Info(Ipv4Endpoint node)
    {
        using var probe = new StorageProbe(ProbeAddress, node);
        if (!probe.FetchToken() || probe.Info() is not { Error: 0, Value: { } value })
        {
            return null;
        }

        try
        {
            using var json = JsonDocument.Parse(value);
            var root = json.RootElement;
            var counters = new Dictionary<string, long>(StringComparer.Ordinal);
            if (root.TryGetProperty("counters", out var all) && all.ValueKind == JsonValueKind.Object)
            {
                foreach (var counter in all.EnumerateObject().Where(c => c.Value.ValueKind == JsonValueKind.Number))
                {
                    counters[counter.Name] = counter.Value.GetInt64();
                }
            }

            return new NodeInfoView(root.GetProperty("items").GetInt64() + root.GetProperty("contentItems").GetInt64(), root.GetProperty("bytes").GetInt64(), counters);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    public static string InfoText(NodeInfoView? info) =>
        info is { } i ? FormattableString.Invariant($"{i.Items:N0} items, {Report.Mb(i.Bytes)} MB") : "no INFO reply";

    public async ValueTask DisposeAsync()
    {
        if (Node is not null)
        {
            await StopNodeAsync().ConfigureAwait(false);
        }

        Bootstrap.Dispose();
        if (_ownsData)
        {
            try
            {
                Directory.Delete(Data, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open; the temporary folder stays.
            }
        }
    }
}

/// <summary>What a node's INFO said: items held (both spaces), bytes held, and its drop, refusal and limit counters.</summary>
internal sealed record NodeInfoView(long Items, long Bytes, IReadOnlyDictionary<string, long> Counters)
{
    /// <summary>The nonzero drop and limit counters, "name = n, ...", or "none".</summary>
    public string DropsText() =>
        string.Join(", ", Counters.Where(c => c.Value > 0 && (c.Key.StartsWith("dropped.", StringComparison.Ordinal) || c.Key.StartsWith("limited.", StringComparison.Ordinal)))
            .Select(c => FormattableString.Invariant($"{c.Key} = {c.Value:N0}"))) is { Length: > 0 } text ? text : "none";
}
