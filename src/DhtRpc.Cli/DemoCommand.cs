using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Json;

namespace DhtRpc.Cli;

/// <summary>
/// `dht demo`: everything in one process on built-in defaults: a bootstrap node on a free local port, a
/// network of storage nodes, the sample JSON stored and read back, and a report of where it lives.
/// </summary>
internal static class DemoCommand
{
    /// <summary>The hash JavaScript gives the sample: sha256(JSON.stringify(JSON.parse(sample.json))).</summary>
    public const string SampleHash = "fe55bb60efb0b18d59e644a55263b4be25d8c5217dfd55a7d18eb37f5958a494";

    public static Command Create()
    {
        var count = new Option<int>("--nodes") { Description = "How many storage nodes to start.", DefaultValueFactory = _ => 63 };
        var keep = new Option<bool>("--keep") { Description = "Keep the network running after the report, until Ctrl-C." };
        var host = CommonOptions.Host();
        var limitLocal = CommonOptions.LimitLocal();
        var command = new Command("demo", "Start a local bootstrap and network, store the sample JSON, read it back and show where it lives.")
        {
            count,
            keep,
            host,
            limitLocal,
        };
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            stop => RunAsync(result.GetValue(count), result.GetValue(keep), result.GetValue(host)!, CommonOptions.Limits(result.GetValue(limitLocal)), stop),
            cancellationToken));
        return command;
    }

    public static byte[] SampleBytes()
    {
        using var stream = typeof(DemoCommand).Assembly.GetManifestResourceStream("DhtRpc.Cli.sample.json")
            ?? throw new InvalidOperationException("The sample JSON resource is missing from the build.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static async Task<int> RunAsync(int count, bool keep, string host, Limits.NodeLimits limits, CancellationToken stop)
    {
        if (count is < 1 or > 1000)
        {
            throw new UsageException($"--nodes must be between 1 and 1000 (got {count}).");
        }

        CommonOptions.CheckHost(host);
        var port = CommonOptions.FreeUdpPort(host);
        var bootstrapAddress = $"{host}:{port.ToString(CultureInfo.InvariantCulture)}";
        Console.WriteLine($"1. A bootstrap node, the network's first contact, on {bootstrapAddress}.");
        await using var bootstrap = DhtNode.CreateBootstrapper(port, host, new DhtNodeOptions { Host = host, Limits = limits });
        await bootstrap.FullyBootstrappedAsync().WaitAsync(stop).ConfigureAwait(false);

        Console.WriteLine($"2. {count} storage nodes join through it.");
        var nodes = new List<DhtNodeHost>(count);
        try
        {
            await NetworkCommand.StartAsync(nodes, count, [bootstrapAddress], host, null, stop, limits: limits).ConfigureAwait(false);

            var text = Encoding.UTF8.GetString(SampleBytes());
            var json = JsJson.Normalize(text);
            Console.WriteLine($"3. A client stores the sample JSON ({Encoding.UTF8.GetByteCount(json)} bytes once normalised as JavaScript would) and reads it back by its hash.");
            await using var client = await ClientNode.ConnectAsync([bootstrapAddress], host, stop).ConfigureAwait(false);
            var storage = new DhtStorageClient(client);
            var put = await storage.PutJsonAsync(json, null, stop).ConfigureAwait(false);
            var back = await storage.GetJsonAsync(put.Key, stop).ConfigureAwait(false);
            var holders = await storage.FindHoldersAsync(put.Key, stop).ConfigureAwait(false);

            var hash = put.Key.ToString();
            var intact = back == json;
            var report = Ui.NewTable("Report", "");
            report.AddTextRow("Network", $"1 bootstrap + {count} storage nodes on {host}");
            report.AddTextRow("Hash (sha256)", hash);
            report.AddTextRow("Same as JavaScript's", hash == SampleHash ? "yes" : $"no (expected {SampleHash})");
            report.AddTextRow("Replicas that acknowledged", put.Replicas.ToString(CultureInfo.InvariantCulture));
            report.AddTextRow("Read back", back is null ? "not found" : intact ? "identical" : "different!");
            report.AddTextRow("Nodes holding it", holders.Count.ToString(CultureInfo.InvariantCulture));
            Ui.Out.Write(report);

            var where = Ui.NewTable("Holder", "Node id", "Bits shared with the hash");
            foreach (var holder in holders)
            {
                var id = holder.Id ?? default;
                where.AddTextRow(holder.Endpoint.ToString(), Ui.Short(id.ToString(), 16), put.Key.CommonPrefixLength(id).ToString(CultureInfo.InvariantCulture));
            }

            Ui.Out.Write(where);
            Console.WriteLine(hash);
            if (!intact || put.Replicas == 0 || holders.Count == 0)
            {
                await Console.Error.WriteLineAsync("The demo failed: the sample was not stored and read back intact.").ConfigureAwait(false);
                return CliRunner.Failure;
            }

            Console.WriteLine($"success: the sample JSON was stored on {put.Replicas} nodes, read back intact, and is held by the {holders.Count} nodes closest to its hash.");
            if (keep)
            {
                Console.WriteLine($"The network keeps running. Try, from another terminal: dht get-json {hash} --bootstrap {bootstrapAddress}");
                Console.WriteLine("Press Ctrl-C to stop.");
                await CliRunner.WaitForShutdownAsync(stop).ConfigureAwait(false);
            }

            return CliRunner.Ok;
        }
        finally
        {
            await NetworkCommand.DisposeAllAsync(nodes).ConfigureAwait(false);
        }
    }
}
