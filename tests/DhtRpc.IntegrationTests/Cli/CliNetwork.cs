using System.Globalization;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>A `dht bootstrap` and a `dht network` of storage nodes, as processes, shared by a test class.</summary>
public sealed class CliNetwork : IAsyncLifetime
{
    public const int Nodes = 16;

    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);
    private DhtCliProcess? _bootstrap;
    private DhtCliProcess? _network;

    public string Bootstrap { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var port = FreePorts.Udp();
        Bootstrap = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        _bootstrap = DhtCliProcess.Start("bootstrap", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture));
        await _bootstrap.WaitForLineAsync(line => line == "ready", StartLimit);
        _network = DhtCliProcess.Start("network", "--nodes", Nodes.ToString(CultureInfo.InvariantCulture), "--bootstrap", Bootstrap, "--host", "127.0.0.1");
        await _network.WaitForLineAsync(line => line.StartsWith("ready", StringComparison.Ordinal), StartLimit);
    }

    /// <summary>Runs a client verb against this network.</summary>
    internal Task<ProcessResult> RunAsync(params string[] arguments) =>
        DhtCli.RunAsync(TimeSpan.FromSeconds(60), [.. arguments, "--bootstrap", Bootstrap]);

    public async ValueTask DisposeAsync()
    {
        if (_network is not null)
        {
            await _network.DisposeAsync();
        }

        if (_bootstrap is not null)
        {
            await _bootstrap.DisposeAsync();
        }
    }
}
