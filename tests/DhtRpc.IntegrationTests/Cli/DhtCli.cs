using System.Diagnostics;
using System.Reflection;
using System.Threading.Channels;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>Runs the `dht` executable (src/DhtRpc.Cli, built together with the tests) as `dotnet dht.dll`.</summary>
internal static class DhtCli
{
    public static string DllPath
    {
        get
        {
            var path = typeof(DhtCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .SingleOrDefault(a => a.Key == "DhtCliPath")?.Value;
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
            {
                throw new InvalidOperationException($"dht.dll not found at '{path}': build src/DhtRpc.Cli (dotnet build builds it with the tests).");
            }

            return path;
        }
    }

    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// Where every `dht` the tests start keeps its identity ($DHT_CONFIG_DIR): a directory of this test run,
    /// never the user's ~/.config.
    /// </summary>
    public static string ConfigDirectory { get; } = Path.Combine(Path.GetTempPath(), $"dht-cli-config-{Environment.ProcessId}");

    /// <summary>The environment of a `dht` the tests start: <see cref="ConfigDirectory"/> as its config directory.</summary>
    public static IReadOnlyDictionary<string, string?> ChildEnvironment(string? configDirectory = null) =>
        new Dictionary<string, string?> { ["DHT_CONFIG_DIR"] = configDirectory ?? ConfigDirectory };

    /// <summary>Runs a verb to completion (killed after <paramref name="timeout"/>).</summary>
    public static Task<ProcessResult> RunAsync(TimeSpan timeout, params string[] arguments) =>
        RunInAsync(RepoPaths.Root, timeout, arguments);

    /// <summary>Runs a verb to completion in <paramref name="workingDirectory"/>.</summary>
    public static Task<ProcessResult> RunInAsync(string workingDirectory, TimeSpan timeout, params string[] arguments) =>
        ProcessRunner.RunAsync(DotnetHost, [DllPath, .. arguments], workingDirectory, timeout, ChildEnvironment());

    /// <summary>Runs a verb to completion with <paramref name="configDirectory"/> as its $DHT_CONFIG_DIR.</summary>
    public static Task<ProcessResult> RunWithConfigAsync(string configDirectory, TimeSpan timeout, params string[] arguments) =>
        ProcessRunner.RunAsync(DotnetHost, [DllPath, .. arguments], RepoPaths.Root, timeout, ChildEnvironment(configDirectory));
}

/// <summary>A long-running `dht` process: read its output line by line, stop it with SIGTERM.</summary>
internal sealed class DhtCliProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];

    private DhtCliProcess(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
                return;
            }

            lock (_stdout)
            {
                _stdout.Add(e.Data);
            }

            _lines.Writer.TryWrite(e.Data);
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.Add(e.Data);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            string stdout;
            string stderr;
            lock (_stdout)
            {
                stdout = string.Join('\n', _stdout);
            }

            lock (_stderr)
            {
                stderr = string.Join('\n', _stderr);
            }

            return $"--- stdout ---\n{stdout}\n--- stderr ---\n{stderr}";
        }
    }

    public static DhtCliProcess Start(params string[] arguments) => StartProgram(DhtCli.DotnetHost, [DhtCli.DllPath, .. arguments]);

    /// <summary>
    /// Starts `dht` as a terminal would, with SIGINT at its default disposition: a test runner started
    /// in the background of a script inherits SIGINT ignored, and so would every child it starts.
    /// The wrapper resets it and execs, so the process id is the dht process's own.
    /// </summary>
    public static DhtCliProcess StartInteractive(params string[] arguments) => StartProgramInteractive(DhtCli.DotnetHost, [DhtCli.DllPath, .. arguments]);

    /// <summary>As <see cref="StartInteractive"/>, for another program (the installed tool).</summary>
    public static DhtCliProcess StartProgramInteractive(string program, params string[] arguments) =>
        StartProgram("python3", ["-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])", program, .. arguments]);

    /// <summary>Starts <paramref name="program"/> (for example the native `dht` executable) with <paramref name="arguments"/>.</summary>
    public static DhtCliProcess StartProgram(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program)
        {
            WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DHT_CONFIG_DIR"] = DhtCli.ConfigDirectory;
        return new DhtCliProcess(Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start"));
    }

    /// <summary>Waits for a stdout line matching <paramref name="match"/>; fails if the process exits or the time is up.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var line in _lines.Reader.ReadAllAsync(cts.Token))
            {
                if (match(line))
                {
                    return line;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"dht printed no matching line within {timeout.TotalSeconds:0} s\n{Output}");
        }

        throw new InvalidOperationException($"dht ended without printing a matching line\n{Output}");
    }

    /// <summary>Sends SIGTERM and returns the exit code.</summary>
    public Task<int> TerminateAsync(TimeSpan timeout) => SignalAsync("TERM", timeout);

    /// <summary>Sends a signal (TERM, INT, QUIT, ...) and returns the exit code.</summary>
    public async Task<int> SignalAsync(string signal, TimeSpan timeout)
    {
        var kill = await ProcessRunner.RunAsync("kill", ["-" + signal, Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], RepoPaths.Root, TimeSpan.FromSeconds(10));
        Assert.True(kill.ExitCode == 0, kill.ToString());
        return await WaitForExitAsync(timeout);
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"dht did not exit within {timeout.TotalSeconds:0} s\n{Output}", e);
        }

        // Let the output readers drain.
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
