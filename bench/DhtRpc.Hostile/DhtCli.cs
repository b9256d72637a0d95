using System.Diagnostics;

namespace DhtRpc.Hostile;

/// <summary>
/// The `dht` executable the modes attack, and the extra arguments every node verb gets: --node-args
/// as given, plus --limit-local when `dht VERB --help` lists it (--limit-local auto, the default), always
/// (on) or never (off). So the bench measures today's node and, unchanged, the node with limits.
/// </summary>
internal sealed class DhtCli
{
    private readonly Dictionary<string, IReadOnlyList<string>> _extra = new(StringComparer.Ordinal);
    private readonly string[] _nodeArgs;
    private readonly string _limitLocal;

    private DhtCli(string path, string[] nodeArgs, string limitLocal)
    {
        Path = path;
        _nodeArgs = nodeArgs;
        _limitLocal = limitLocal;
    }

    public string Path { get; }

    /// <summary>The executable as the report names it: relative to the repository when inside it.</summary>
    public string Shown => System.IO.Path.GetRelativePath(Report.FindRoot(), Path) is var relative && !relative.StartsWith("..", StringComparison.Ordinal) ? relative : Path;

    /// <summary>What the report says about the node's arguments, verb by verb, once they were asked for.</summary>
    public string Describe() =>
        string.Join("; ", _extra.Select(e => $"`dht {e.Key}` extra arguments: {(e.Value.Count == 0 ? "none" : string.Join(' ', e.Value.Select(a => $"`{a}`")))}")) +
        (_limitLocal == "auto" ? " (--limit-local added only where the verb's --help lists it)" : $" (--limit-local {_limitLocal})");

    public static DhtCli From(Args args)
    {
        var path = args.Get("dht") ?? Locate();
        var nodeArgs = (args.Get("node-args") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var limitLocal = args.Get("limit-local") ?? "auto";
        if (limitLocal is not ("auto" or "on" or "off"))
        {
            throw new ArgumentException("--limit-local is auto, on or off");
        }

        return new DhtCli(path, nodeArgs, limitLocal);
    }

    /// <summary>The extra arguments for a verb (bootstrap, node), detecting --limit-local once per verb.</summary>
    public async Task<IReadOnlyList<string>> ExtraArgumentsAsync(string verb)
    {
        if (_extra.TryGetValue(verb, out var known))
        {
            return known;
        }

        var extra = new List<string>(_nodeArgs);
        var wanted = _limitLocal switch
        {
            "on" => true,
            "off" => false,
            _ => (await HelpAsync(verb).ConfigureAwait(false)).Contains("--limit-local", StringComparison.Ordinal),
        };
        if (wanted && !extra.Contains("--limit-local"))
        {
            extra.Add("--limit-local");
        }

        _extra[verb] = extra;
        return extra;
    }

    /// <summary>Runs `dht ARGS` to its end (bounded by <paramref name="timeout"/>): exit code, stdout, stderr.</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {Path}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            return (-1, await stdout.ConfigureAwait(false), $"timed out after {timeout.TotalSeconds:0} s. " + await stderr.ConfigureAwait(false));
        }

        return (process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>True when `dht VERB --help` lists <paramref name="option"/> (an option that arrives with a later build).</summary>
    public async Task<bool> AcceptsAsync(string verb, string option) =>
        (await HelpAsync(verb).ConfigureAwait(false)).Contains(option, StringComparison.Ordinal);

    private async Task<string> HelpAsync(string verb)
    {
        var (_, stdout, stderr) = await RunAsync([verb, "--help"], TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        return stdout + stderr;
    }

    /// <summary>A published native `dht` under bench/.native-dht (run-all.sh puts it there), else the Release build's.</summary>
    private static string Locate()
    {
        var root = Report.FindRoot();
        string[] candidates =
        [
            System.IO.Path.Combine(root, "bench", ".native-dht", "dht"),
            System.IO.Path.Combine(root, "src", "DhtRpc.Cli", "bin", "Release", "net10.0", "dht"),
        ];
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("No dht executable: run `dotnet build src/DhtRpc.Cli -c Release` (or `dotnet publish src/DhtRpc.Cli -c Release -o bench/.native-dht`), or pass --dht PATH.");
    }
}
