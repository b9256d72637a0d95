using Microsoft.Data.Sqlite;

namespace DhtRpc.Hostile;

/// <summary>
/// `storage-damaged`: a store with items, the node stopped cleanly, then the root page of one index of
/// store.db overwritten with random bytes (found through sqlite_schema, the page size from PRAGMA
/// page_size); the node started again on it. Reports whether it starts and what it prints, and, when it
/// runs, how many PING, INFO, STORE, LIST and GET requests it answers.
/// </summary>
internal static class StorageDamagedBench
{
    private const int Probes = 20;

    public static async Task<int> RunAsync(Args args)
    {
        var items = args.Int("items", 5_000);
        var valueBytes = args.Int("value-bytes", 32);
        var index = args.Get("index") ?? "items_by_stored_at";
        var seed = args.Int("seed", 1);
        var lines = new List<string>();
        var extra = "";
        Console.Error.WriteLine($"[storage-damaged] {items:N0} items, then the root page of {index} overwritten");
        await using (var scenario = await StorageScenario.CreateAsync(args).ConfigureAwait(false))
        {
            var node = await scenario.StartNodeAsync().ConfigureAwait(false);
            extra = scenario.Arguments(await scenario.Cli.ExtraArgumentsAsync("node").ConfigureAwait(false));
            var stored = new StorageItems("damaged", valueBytes);
            var load = new StoreLoad(node.Endpoint, stored, [StorageQuotaBench.HeavyAddress], 2, 32,
                new LoadPlan(items, items * 2L, TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(2)), new LoadTally());
            await Task.Run(load.Run).ConfigureAwait(false);
            var clean = await scenario.StopNodeAsync().ConfigureAwait(false);
            var database = Path.Combine(scenario.Data, "store.db");
            var wal = new FileInfo(database + "-wal");
            lines.Add(Report.Inv, $"- Stored {load.Tally.Acked:N0} of {items:N0} items ({load.Tally.CodesText()}; no reply {load.Tally.NoReply:N0}); the node stopped with SIGTERM {(clean ? "and exited" : "but did not exit within 30 s (killed)")}; store.db {Report.Mb(new FileInfo(database).Length)} MB, store.db-wal {(wal.Exists ? $"{wal.Length:N0} bytes" : "absent")}.");

            var damage = Damage(database, index, seed);
            lines.Add($"- {damage}");
            try
            {
                var again = await scenario.StartNodeAsync().ConfigureAwait(false);
                lines.Add($"- **Started** on the damaged store ({again.ExitDescription}). {StorageDiskBench.Printed(again)}");
                lines.AddRange(await Task.Run(() => Probe(again.Endpoint, stored, items)).ConfigureAwait(false));
                lines.Add($"- After the probes: {again.ExitDescription}; {StorageDiskBench.Printed(again)}");
            }
            catch (InvalidOperationException e)
            {
                var message = e.Message.Length > 1200 ? e.Message[..1200] + "…" : e.Message;
                lines.Add($"- **Did not start.** What it printed: `{message.Replace('`', '\'')}`");
            }
        }

        var text = Report.SectionHeader("Storage: a damaged index", args).AppendLine().AppendLine();
        text.AppendLine(Report.Inv, $"A `dht bootstrap` and a `dht node --data DIR` (`{StorageQuotaBench.Shown(args)}`); `dht node` extra arguments: {extra}. {items:N0} warehouse items of {valueBytes} bytes stored from {StorageQuotaBench.HeavyAddress}; the node stopped cleanly (SIGTERM, so the WAL is checkpointed into store.db); the root page of index `{index}` (its `rootpage` in `sqlite_schema`, read with Microsoft.Data.Sqlite) overwritten with random bytes (seed {seed}) at offset (rootpage − 1) × page_size; the node started again on the same folder and port. If it runs, from 127.0.0.1 (with a token): {Probes} each of PING, INFO (107), STORE (100) of new items, LIST (102) pages from offset 0 on, and GET (101) of stored items.");
        text.AppendLine();
        foreach (var line in lines)
        {
            text.AppendLine(line);
        }

        await Report.EmitAsync(text, args).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Overwrites the root page of <paramref name="index"/>; says what was done, in words.</summary>
    private static string Damage(string database, string index, int seed)
    {
        long rootPage, pageSize, pageCount;
        var connectionString = new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        using (var connection = new SqliteConnection(connectionString))
        {
            connection.Open();
            using var root = connection.CreateCommand();
            root.CommandText = "SELECT rootpage FROM sqlite_schema WHERE type = 'index' AND name = $name";
            root.Parameters.AddWithValue("$name", index);
            if (root.ExecuteScalar() is not long page)
            {
                throw new InvalidOperationException($"store.db has no index named {index}");
            }

            rootPage = page;
            using var size = connection.CreateCommand();
            size.CommandText = "PRAGMA page_size";
            pageSize = (long)size.ExecuteScalar()!;
            using var count = connection.CreateCommand();
            count.CommandText = "PRAGMA page_count";
            pageCount = (long)count.ExecuteScalar()!;
        }

        var garbage = new byte[pageSize];
        new Random(seed).NextBytes(garbage);
        using (var file = new FileStream(database, FileMode.Open, FileAccess.Write))
        {
            file.Seek((rootPage - 1) * pageSize, SeekOrigin.Begin);
            file.Write(garbage);
            file.Flush(flushToDisk: true);
        }

        return string.Create(Report.Inv, $"Overwrote page {rootPage} of {pageCount} (page size {pageSize} B), the root of `{index}`, with random bytes.");
    }

    /// <summary>Per request kind, how many of <see cref="Probes"/> got a reply, and the replies by error code.</summary>
    private static List<string> Probe(DhtRpc.Wire.Ipv4Endpoint node, StorageItems stored, int storedCount)
    {
        using var probe = new StorageProbe(StorageScenario.ProbeAddress, node);
        var token = probe.FetchToken() ? "a token fetched" : "**no token** (STORE query unanswered)";
        var fresh = new StorageItems("damaged-after", stored.ValueBytes);
        var kinds = new (string Name, Func<int, ParsedResponse?> Ask)[]
        {
            ("PING", _ => probe.Ping()),
            ("INFO (107)", _ => probe.Info()),
            ("STORE (100) of a new item", i => probe.Store(fresh, i)),
            ("LIST (102) page", i => probe.List(i * 20)),
            ("GET (101) of a stored item", i => probe.Get(stored.Key(i * Math.Max(1, storedCount / Probes)))),
        };
        var lines = new List<string> { $"- Probes from {StorageScenario.ProbeAddress}, {token}:" };
        foreach (var (name, ask) in kinds)
        {
            var tally = new LoadTally();
            for (var i = 0; i < Probes; i++)
            {
                if (ask(i) is { } reply)
                {
                    tally.Code(reply.Error);
                }
                else
                {
                    tally.Lost();
                }
            }

            lines.Add(Report.Inv, $"  - {name}: {tally.Replies} of {Probes} answered ({tally.CodesText(name.StartsWith("STORE", StringComparison.Ordinal) ? "0 (stored)" : "0 (answered)")})");
        }

        return lines;
    }
}

/// <summary>Appending interpolated lines with the invariant culture.</summary>
internal static class LineListExtensions
{
    public static void Add(this List<string> lines, IFormatProvider provider, FormattableString line) => lines.Add(line.ToString(provider));
}
