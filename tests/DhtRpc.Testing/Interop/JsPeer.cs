using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace DhtRpc.Testing;

/// <summary>
/// A `node interop/peer.mjs` process hosting dht-rpc 6.27.0 nodes. Commands go out as JSON lines on
/// stdin; each reply is matched to its command by id (replies may come out of order).
/// </summary>
public sealed class JsPeer : IAsyncDisposable
{
    public static readonly TimeSpan DefaultCommandTimeout = TimeSpan.FromSeconds(60);

    private const int StderrLimit = 200;

    private readonly Process _process;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonObject>> _pending = new();
    private readonly Queue<string> _stderr = new();
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly Task _readLoop;
    private long _nextId;
    private bool _disposed;

    private JsPeer(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) => OnStderr(e.Data);
        _process.BeginErrorReadLine();
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>Stderr lines seen so far (the last few hundred).</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    public static async Task<JsPeer> StartAsync()
    {
        await NodeJs.EnsureReadyAsync();
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepoPaths.Interop,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Interop, "peer.mjs"));
        var process = Process.Start(info) ?? throw new JsPeerException("node did not start");
        var peer = new JsPeer(process);
        try
        {
            var hello = await peer.SendAsync("hello");
            var version = (string?)hello["dhtRpc"];
            if (version != "6.27.0")
            {
                throw new JsPeerException($"peer.mjs hosts dht-rpc {version ?? "(unknown)"}, expected 6.27.0");
            }
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }

        return peer;
    }

    /// <summary>Sends a command and returns its reply; throws when the reply says ok:false.</summary>
    public async Task<JsonObject> SendAsync(string op, JsonObject? arguments = null, TimeSpan? timeout = null)
    {
        var reply = await SendRawAsync(op, arguments, timeout);
        if (reply["ok"]?.GetValue<bool>() != true)
        {
            throw new JsPeerException($"peer.mjs op '{op}' failed: {reply["error"]}\n--- peer stderr ---\n{Stderr}");
        }

        return reply;
    }

    /// <summary>Sends a command and returns its reply whatever its ok flag says.</summary>
    public async Task<JsonObject> SendRawAsync(string op, JsonObject? arguments = null, TimeSpan? timeout = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var id = Interlocked.Increment(ref _nextId);
        var command = new JsonObject { ["id"] = id, ["op"] = op };
        if (arguments is not null)
        {
            foreach (var (key, value) in arguments)
            {
                command[key] = value?.DeepClone();
            }
        }

        var tcs = new TaskCompletionSource<JsonObject>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = tcs;
        if (_process.HasExited)
        {
            _pending.TryRemove(id, out _);
            throw Died();
        }

        await _writeLock.WaitAsync();
        try
        {
            await _process.StandardInput.WriteLineAsync(command.ToJsonString());
            await _process.StandardInput.FlushAsync();
        }
        catch (IOException e)
        {
            _pending.TryRemove(id, out _);
            throw new JsPeerException($"cannot write to peer.mjs: {e.Message}\n--- peer stderr ---\n{Stderr}", e);
        }
        finally
        {
            _writeLock.Release();
        }

        var limit = timeout ?? DefaultCommandTimeout;
        try
        {
            return await tcs.Task.WaitAsync(limit);
        }
        catch (TimeoutException e)
        {
            _pending.TryRemove(id, out _);
            throw new JsPeerException($"peer.mjs op '{op}' gave no reply within {limit.TotalSeconds:0} s\n--- peer stderr ---\n{Stderr}", e);
        }
    }

    // ----- typed helpers for the operations the tests use -----

    /// <summary>A dht-rpc bootstrapper on 127.0.0.1 (free port when 0).</summary>
    public async Task<JsNode> BootstrapperAsync(int port = 0, string behaviour = "echo")
    {
        var reply = await SendAsync("bootstrapper", new JsonObject { ["port"] = port, ["behaviour"] = behaviour });
        return JsNode.FromJson(reply);
    }

    /// <summary>Creates <paramref name="count"/> nodes, one after another, each awaited until fully bootstrapped.</summary>
    public async Task<IReadOnlyList<JsNode>> NodesAsync(IEnumerable<string> bootstrap, int count, bool? ephemeral, string behaviour = "echo")
    {
        var arguments = new JsonObject
        {
            ["bootstrap"] = new JsonArray(bootstrap.Select(b => (JsonNode?)JsonValue.Create(b)).ToArray()),
            ["count"] = count,
            ["ephemeral"] = ephemeral is { } e ? JsonValue.Create(e) : null,
            ["behaviour"] = behaviour,
        };
        var reply = await SendAsync("node", arguments);
        return reply["nodes"]!.AsArray().Select(n => JsNode.FromJson(n!.AsObject())).ToList();
    }

    public Task<JsonObject> FindNodeAsync(int node, string targetHex) =>
        SendAsync("findNode", new JsonObject { ["node"] = node, ["target"] = targetHex });

    public Task<JsonObject> QueryAsync(int node, string targetHex, int command, string? valueHex, bool commit) =>
        SendAsync("query", new JsonObject { ["node"] = node, ["target"] = targetHex, ["command"] = command, ["value"] = valueHex, ["commit"] = commit });

    public async Task<JsonArray> LogAsync(int node) => (await SendAsync("log", new JsonObject { ["node"] = node }))["entries"]!.AsArray();

    public async Task<JsonArray> StoreAsync(int node) => (await SendAsync("store", new JsonObject { ["node"] = node }))["entries"]!.AsArray();

    public Task<JsonObject> TableAsync(int node) => SendAsync("table", new JsonObject { ["node"] = node });

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                try
                {
                    // Closing stdin makes peer.mjs destroy its nodes and exit 0.
                    _process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // Already gone.
                }

                try
                {
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
                catch (TimeoutException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }

            await _readLoop.WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            FailPending();
            _process.Dispose();
            _writeLock.Dispose();
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _process.StandardOutput.ReadLineAsync() is { } line)
            {
                OnLine(line);
            }
        }
        catch (IOException)
        {
            // The process ended.
        }
        catch (ObjectDisposedException)
        {
            // The process ended.
        }

        FailPending();
    }

    private void OnLine(string line)
    {
        JsonObject reply;
        try
        {
            reply = JsonNode.Parse(line)?.AsObject() ?? throw new JsonException("null");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            OnStderr($"(unparsable stdout line) {line}");
            return;
        }

        if (reply["id"] is JsonValue idValue && idValue.TryGetValue<long>(out var id) && _pending.TryRemove(id, out var tcs))
        {
            tcs.TrySetResult(reply);
        }
        else
        {
            OnStderr($"(unmatched reply) {line}");
        }
    }

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stderr)
        {
            _stderr.Enqueue(line);
            while (_stderr.Count > StderrLimit)
            {
                _stderr.Dequeue();
            }
        }
    }

    private void FailPending()
    {
        foreach (var id in _pending.Keys)
        {
            if (_pending.TryRemove(id, out var tcs))
            {
                tcs.TrySetException(Died());
            }
        }
    }

    private JsPeerException Died()
    {
        var code = _process.HasExited ? _process.ExitCode.ToString(CultureInfo.InvariantCulture) : "(still running)";
        return new JsPeerException($"peer.mjs ended (exit code {code}) before replying\n--- peer stderr ---\n{Stderr}");
    }
}

/// <summary>A node hosted by peer.mjs.</summary>
public sealed record JsNode(int Index, int Port, string? NodeId)
{
    public string Address => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static JsNode FromJson(JsonObject json) =>
        new((int)json["node"]!, (int)json["port"]!, (string?)json["nodeId"]);
}
