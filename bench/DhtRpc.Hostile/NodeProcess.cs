using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// One `dht bootstrap` or `dht node` process on loopback: started, waited for until it prints its ready
/// line, its resident memory read from /proc, and killed (with its data folder removed) at the end.
/// </summary>
internal sealed class NodeProcess : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly List<string> _lines = [];
    private readonly string? _dataDirectory;

    private NodeProcess(Process process, Ipv4Endpoint endpoint, string kind, string? dataDirectory)
    {
        _process = process;
        Endpoint = endpoint;
        Kind = kind;
        _dataDirectory = dataDirectory;
    }

    public Ipv4Endpoint Endpoint { get; }

    /// <summary>"bootstrap" or "storage node".</summary>
    public string Kind { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string ExitDescription => _process.HasExited ? $"exited with code {_process.ExitCode}" : "running";

    /// <summary>The last lines the process printed (stdout and stderr), to explain a failure.</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join(" | ", _tail);
            }
        }
    }

    /// <summary>Every line the process printed (stdout and stderr, the first 500), in order.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_tail)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>`dht bootstrap --port P` on 127.0.0.1 (P a free port).</summary>
    public static async Task<NodeProcess> StartBootstrapAsync(DhtCli cli)
    {
        var port = FreeUdpPort();
        var extra = await cli.ExtraArgumentsAsync("bootstrap").ConfigureAwait(false);
        return await StartAsync(cli, ["bootstrap", "--port", Text(port), .. extra], Ipv4Endpoint.Loopback(port), "bootstrap", null).ConfigureAwait(false);
    }

    /// <summary>`dht node --data DIR --port P --bootstrap B` on 127.0.0.1, DIR a fresh temporary folder.</summary>
    public static async Task<NodeProcess> StartStorageNodeAsync(DhtCli cli, Ipv4Endpoint bootstrap)
    {
        var port = FreeUdpPort();
        var data = Path.Combine(Path.GetTempPath(), "dht-hostile-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(data);
        var extra = await cli.ExtraArgumentsAsync("node").ConfigureAwait(false);
        string[] arguments = ["node", "--data", data, "--port", Text(port), "--bootstrap", bootstrap.ToString(), .. extra];
        return await StartAsync(cli, arguments, Ipv4Endpoint.Loopback(port), "storage node", data).ConfigureAwait(false);
    }

    /// <summary>
    /// `dht node --data DIR --port P --bootstrap B [MORE]` on 127.0.0.1 with a folder the caller owns (kept
    /// at the end, so that a node can be started again on it); P = 0 takes a free port.
    /// </summary>
    public static async Task<NodeProcess> StartStorageNodeAsync(DhtCli cli, Ipv4Endpoint bootstrap, string dataDirectory, int port, IReadOnlyList<string> more)
    {
        port = port == 0 ? FreeUdpPort() : port;
        var extra = await cli.ExtraArgumentsAsync("node").ConfigureAwait(false);
        string[] arguments = ["node", "--data", dataDirectory, "--port", Text(port), "--bootstrap", bootstrap.ToString(), .. extra, .. more];
        return await StartAsync(cli, arguments, Ipv4Endpoint.Loopback(port), "storage node", null).ConfigureAwait(false);
    }

    /// <summary>SIGKILL, then waits for the exit: the node gets no chance to finish anything.</summary>
    public void KillHard()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
        }

        _process.WaitForExit(10_000);
    }

    /// <summary>SIGTERM (a clean shutdown, as Ctrl-C), waiting up to <paramref name="timeout"/>; true when it exited in time.</summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return true;
        }

        using (var kill = Process.Start("kill", ["-TERM", Text(_process.Id)]))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>VmRSS from /proc/PID/status in bytes; 0 once the process is gone.</summary>
    public long RssBytes()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process ended between the check and the read.
        }

        return 0;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        if (_dataDirectory is not null)
        {
            try
            {
                Directory.Delete(_dataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open; the temporary folder stays.
            }
        }
    }

    public static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static async Task<NodeProcess> StartAsync(DhtCli cli, string[] arguments, Ipv4Endpoint endpoint, string kind, string? data)
    {
        var info = new ProcessStartInfo(cli.Path) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {cli.Path}");
        var node = new NodeProcess(process, endpoint, kind, data);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) => node.Line(e.Data, ready);
        process.ErrorDataReceived += (_, e) => node.Line(e.Data, null);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await ready.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            var tail = node.Tail;
            node.Dispose();
            throw new InvalidOperationException($"`dht {string.Join(' ', arguments)}` printed no ready line in 60 s: {tail}");
        }

        // A process that printed its ready line and exited at once (a refused option) is not a node.
        await Task.Delay(200).ConfigureAwait(false);
        if (process.HasExited)
        {
            // The first lines too: a refusal's explanation can be longer than the tail.
            var lines = node.Lines;
            var said = lines.Count <= 8 ? node.Tail : $"{string.Join(" | ", lines.Take(3))} | … | {node.Tail}";
            var code = process.ExitCode;
            node.Dispose();
            throw new InvalidOperationException($"`dht {string.Join(' ', arguments)}` exited with code {code}: {said}");
        }

        return node;
    }

    private void Line(string? line, TaskCompletionSource? ready)
    {
        if (line is null)
        {
            ready?.TrySetResult(); // End of output: the wait above then sees the exit.
            return;
        }

        lock (_tail)
        {
            if (_lines.Count < 500)
            {
                _lines.Add(line);
            }

            _tail.Enqueue(line);
            while (_tail.Count > 8)
            {
                _tail.Dequeue();
            }
        }

        if (ready is not null && (line == "ready" || line.StartsWith("ready ", StringComparison.Ordinal)))
        {
            ready.TrySetResult();
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
