namespace DhtRpc.Hostile;

/// <summary>The modes and their options, printed on a usage error.</summary>
internal static class Usage
{
    public static int Print(string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.WriteLine("""
            usage: dotnet run -c Release --project bench/DhtRpc.Hostile -- MODE [options] [--out docs/hostile.md]
              flood   [--command PING|FIND_NODE|DELAYED_PING|PING_NAT|DOWN_HINT|all] [--seconds 5] [--ping-rate 50] [--delay-ms 10000] [--max-datagrams N]
              reflect [--rate 2000] [--seconds 5] [--value-bytes 59000] [--probes PART,PART (names containing them)]
              eclipse [--honest 100] [--attacker-ports 2000] [--targeted 40] [--lookups 20] [--no-limits | --both] [--wave 10] [--key TEXT]
              soak    [--datagrams 1000000] [--target bootstrap|node|both] [--max-seconds 300] [--rate 0 (unpaced)] [--seed 1]
              storage-quota   [--sizes 60000,32] [--requests 20000] [--seconds 30] [--ports 8] [--window 32] [--second-items 100]
              storage-fill    [--items 1000000] [--sources 20] [--ports 1] [--window 256] [--window-items 50000] [--value-bytes 32] [--max-seconds 900]
              storage-disk    [--tmpfs-mb 8] [--value-bytes 60000] [--requests 2000] [--seconds 60] [--ports 2] [--window 8] (root: mounts a tmpfs)
              storage-damaged [--items 5000] [--value-bytes 32] [--index items_by_stored_at] [--seed 1]
              storage-kill    [--rounds 3] [--value-bytes 1000] [--ports 2] [--window 32] [--kill-from-ms 1000] [--kill-to-ms 4000] [--seed N]
              storage-*: [--timeout-ms N] [--source-quota-bytes N] [--source-quota-items N] (passed when `dht node --help` lists them)
            node processes (flood, reflect, soak, storage-*): [--dht PATH] [--node-args "ARGS"] [--limit-local auto|on|off]
            """);
        return 2;
    }
}
