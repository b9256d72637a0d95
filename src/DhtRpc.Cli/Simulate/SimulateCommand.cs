using System.CommandLine;
using System.Globalization;

namespace DhtRpc.Cli.Simulate;

/// <summary>
/// `dht simulate`: a virtual-time network of N nodes in this process; measures lookups with shares of
/// the nodes gone and prints a markdown table, appends a CSV and redraws a PNG chart.
/// </summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var nodes = new Option<int>("--nodes") { Description = "Network size.", DefaultValueFactory = _ => 1000 };
        var gone = new Option<string>("--gone") { Description = "Percentages of nodes taken offline, comma-separated, applied cumulatively in ascending order.", DefaultValueFactory = _ => "0" };
        var lookups = new Option<int>("--lookups") { Description = "Lookups per gone share.", DefaultValueFactory = _ => 200 };
        var latency = new Option<double>("--latency-ms") { Description = "One-way latency of every datagram (ms).", DefaultValueFactory = _ => 20 };
        var jitter = new Option<double>("--jitter-ms") { Description = "Extra uniform delay per datagram (ms).", DefaultValueFactory = _ => 0 };
        var loss = new Option<double>("--loss") { Description = "Probability that a datagram is lost (0..1).", DefaultValueFactory = _ => 0 };
        var seed = new Option<int>("--seed") { Description = "Seed of every random choice.", DefaultValueFactory = _ => 1 };
        var seedPeers = new Option<int>("--seed-peers") { Description = "Random earlier nodes seeded into each newcomer's table.", DefaultValueFactory = _ => 3 };
        var maxWave = new Option<int>("--max-wave") { Description = "Most nodes joining at once.", DefaultValueFactory = _ => 1000 };
        var tables = new Option<string>("--tables") { Description = "Routing tables the lookups start from: converged (joins, then every table topped up to a converged Kademlia table) or joined (as the joins left them).", DefaultValueFactory = _ => "converged" };
        var outDirectory = new Option<string>("--out") { Description = "Folder the CSV and PNG go to (relative --csv and --png paths are taken from it; created if missing).", DefaultValueFactory = _ => "." };
        var csv = new Option<string?>("--csv") { Description = "CSV file to add the rows to (rows with the same N, gone, latency, loss and seed are replaced); empty for none.", DefaultValueFactory = _ => "simulate.csv" };
        var png = new Option<string?>("--png") { Description = "PNG chart redrawn from the whole CSV; empty for none.", DefaultValueFactory = _ => "simulate.png" };
        var churn = new Option<double>("--churn") { Description = "Continuous churn instead of --gone: percent of the live nodes replaced per virtual minute (they leave without a word, as many new ones join), with --lookups spread over the run; prints a table per minute.", DefaultValueFactory = _ => 0 };
        var churnMinutes = new Option<double>("--churn-minutes") { Description = "Virtual minutes the churn lasts.", DefaultValueFactory = _ => 10 };
        var command = new Command("simulate", "Simulate a large network in virtual time and measure lookup hops, messages and success.")
        {
            nodes, gone, lookups, latency, jitter, loss, seed, seedPeers, maxWave, tables, outDirectory, csv, png, churn, churnMinutes,
        };
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            stop =>
            {
                var options = new ScaleOptions
                {
                    Stop = stop,
                    Nodes = result.GetValue(nodes),
                    Lookups = result.GetValue(lookups),
                    Latency = TimeSpan.FromMilliseconds(result.GetValue(latency)),
                    Jitter = TimeSpan.FromMilliseconds(result.GetValue(jitter)),
                    Loss = result.GetValue(loss),
                    Seed = result.GetValue(seed),
                    SeedPeers = result.GetValue(seedPeers),
                    MaxWave = result.GetValue(maxWave),
                    ConvergeTables = result.GetValue(tables) switch
                    {
                        "converged" => true,
                        "joined" => false,
                        var other => throw new UsageException($"--tables is converged or joined (got '{other}')."),
                    },
                };
                Check(options);
                if (result.GetValue(churn) is var percent and not 0)
                {
                    ChurnReport.Run(options, ChurnOf(percent, result.GetValue(churnMinutes), options.Lookups), Console.Out);
                    return Task.FromResult(CliRunner.Ok);
                }

                var shares = ParseGone(result.GetValue(gone)!);
                var report = SimulateReport.Run(options, shares, Console.Out);
                var folder = result.GetValue(outDirectory) is { Length: > 0 } given ? given : ".";
                if (result.GetValue(csv) is { Length: > 0 } csvName)
                {
                    var csvPath = Path.Combine(folder, csvName);
                    SimulateReport.MergeCsv(csvPath, report.Rows, options);
                    Console.WriteLine(FormattableString.Invariant($"CSV: {csvPath}"));
                    if (result.GetValue(png) is { Length: > 0 } pngName)
                    {
                        var pngPath = Path.Combine(folder, pngName);
                        SimulateReport.WriteChart(csvPath, pngPath, SimulateReport.TablesName(options));
                        Console.WriteLine(FormattableString.Invariant($"PNG: {pngPath}"));
                    }
                }

                return Task.FromResult(CliRunner.Ok);
            },
            cancellationToken));
        return command;
    }

    private static void Check(ScaleOptions options)
    {
        if (options.Nodes is < 2 or > 2_000_000)
        {
            throw new UsageException($"--nodes must be between 2 and 2000000 (got {options.Nodes}).");
        }

        if (options.Lookups < 1)
        {
            throw new UsageException("--lookups must be at least 1.");
        }

        if (options.Loss is < 0 or >= 1 || options.Latency < TimeSpan.Zero || options.Jitter < TimeSpan.Zero)
        {
            throw new UsageException("--loss must be in [0, 1) and latency and jitter not negative.");
        }

        if (options.SeedPeers < 1 || options.MaxWave < 1)
        {
            throw new UsageException("--seed-peers and --max-wave must be at least 1.");
        }
    }

    private static ChurnOptions ChurnOf(double percent, double minutes, int lookups)
    {
        if (percent is < 0 or > 100 or double.NaN)
        {
            throw new UsageException($"--churn takes a percentage in (0, 100] (got {percent.ToString(CultureInfo.InvariantCulture)}).");
        }

        if (minutes is < 1.0 / 60 or > 24 * 60 or double.NaN)
        {
            throw new UsageException($"--churn-minutes must be between 1/60 and 1440 (got {minutes.ToString(CultureInfo.InvariantCulture)}).");
        }

        return new ChurnOptions(percent / 100, TimeSpan.FromMinutes(minutes), lookups);
    }

    private static List<double> ParseGone(string text)
    {
        var shares = new List<double>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var percent) || percent is < 0 or >= 100)
            {
                throw new UsageException($"--gone takes percentages in [0, 100), comma-separated (got '{part}').");
            }

            shares.Add(percent / 100);
        }

        if (shares.Count == 0)
        {
            throw new UsageException("--gone needs at least one percentage.");
        }

        shares.Sort();
        return shares.Distinct().ToList();
    }
}
