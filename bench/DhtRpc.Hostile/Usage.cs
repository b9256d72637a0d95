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
            node processes (flood, reflect, soak): [--dht PATH] [--node-args "ARGS"] [--limit-local auto|on|off]
            """);
        return 2;
    }
}
