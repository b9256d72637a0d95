using DhtRpc.Hostile;

// Modes: each attacks real nodes on loopback, measures, and prints a markdown section (--out appends it to a file).
if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
{
    return Usage.Print("a mode is required");
}

try
{
    var options = Args.Parse(args, 1);
    return args[0] switch
    {
        "flood" => await FloodBench.RunAsync(options).ConfigureAwait(false),
        "reflect" => await ReflectBench.RunAsync(options).ConfigureAwait(false),
        "eclipse" => await EclipseBench.RunAsync(options).ConfigureAwait(false),
        "soak" => await SoakBench.RunAsync(options).ConfigureAwait(false),
        "storage-quota" => await StorageQuotaBench.RunAsync(options).ConfigureAwait(false),
        "storage-fill" => await StorageFillBench.RunAsync(options).ConfigureAwait(false),
        "storage-disk" => await StorageDiskBench.RunAsync(options).ConfigureAwait(false),
        "storage-damaged" => await StorageDamagedBench.RunAsync(options).ConfigureAwait(false),
        "storage-kill" => await StorageKillBench.RunAsync(options).ConfigureAwait(false),
        _ => Usage.Print($"unknown mode '{args[0]}'"),
    };
}
catch (ArgumentException e)
{
    return Usage.Print(e.Message);
}
catch (InvalidOperationException e)
{
    // A node process that would not start (a refused option, a missing executable): said in one sentence.
    Console.Error.WriteLine(e.Message);
    return 1;
}
