namespace DhtRpc.Hostile;

/// <summary>The modes and their options, printed on a usage error.</summary>
internal static class Usage
{
    public static int Print(string message)
    {
        Console.Error.WriteLine(message);
        Console.Error.WriteLine("""
            usage: dotnet run -c Release --project bench/DhtRpc.Hostile -- MODE [options] [--out docs/hostile.md]
            node processes (flood, reflect, soak): [--dht PATH] [--node-args "ARGS"] [--limit-local auto|on|off]
            """);
        return 2;
    }
}
