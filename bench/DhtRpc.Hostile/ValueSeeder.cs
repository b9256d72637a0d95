using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// Puts large values on a storage node as an honest client would, so that the reflection probes have
/// something big to ask for: a content item through INSERT (query for a token, then commit with it,
/// from 127.0.0.1) and a warehouse item through `dht warehouse store KEY VALUE --node`.
/// </summary>
internal static class ValueSeeder
{
    /// <summary>A printable value of <paramref name="size"/> bytes (so that it can also pass as a command-line argument).</summary>
    public static byte[] MakeValue(int size)
    {
        var random = new Random(42);
        var bytes = new byte[size];
        for (var i = 0; i < size; i++)
        {
            bytes[i] = (byte)('a' + random.Next(26));
        }

        return bytes;
    }

    /// <summary>Stores <paramref name="value"/> in the content store under sha256(value); returns what happened, in words.</summary>
    public static string StoreContent(Ipv4Endpoint node, byte[] value)
    {
        var target = SHA256.HashData(value);
        using var socket = LivenessPinger.Bind(IPAddress.Loopback, node);
        socket.ReceiveBufferSize = 1 << 20;
        var buffer = new byte[65536];
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var query = Ask(socket, buffer, Packets.Request((ushort)(100 + attempt), node, 0, isInternal: false, target: target));
            if (query?.Token is not { } token)
            {
                continue;
            }

            var commit = Ask(socket, buffer, Packets.Request((ushort)(200 + attempt), node, 0, isInternal: false, target: target, value: value, token: token));
            if (commit is { Error: 0 })
            {
                return $"content item of {value.Length} bytes stored under {Convert.ToHexStringLower(target)[..16]}… (INSERT with token)";
            }

            if (commit is { } refused)
            {
                return $"content INSERT refused with error {refused.Error}";
            }
        }

        return "content INSERT got no answer";
    }

    /// <summary>Stores <paramref name="value"/> as warehouse item KEY through the CLI; returns what happened, in words.</summary>
    public static async Task<string> StoreWarehouseAsync(DhtCli cli, Ipv4Endpoint node, Ipv4Endpoint bootstrap, string key, byte[] value)
    {
        string[] arguments = ["warehouse", "store", key, Encoding.ASCII.GetString(value), "--node", node.ToString(), "--bootstrap", bootstrap.ToString(), "--json"];
        var (exit, stdout, stderr) = await cli.RunAsync(arguments, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        return exit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"warehouse item '{key}' of {value.Length} bytes stored (`dht warehouse store KEY VALUE --node`)")
            : $"`dht warehouse store` failed (exit {exit}): {(stderr + stdout).Trim().Replace('\n', ' ')}";
    }

    private static ParsedResponse? Ask(Socket socket, byte[] buffer, byte[] request)
    {
        socket.Send(request);
        _ = Packets.TryTid(request, out var tid);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(2);
        while (DateTime.UtcNow < until)
        {
            if (!socket.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead))
            {
                continue;
            }

            var n = socket.Receive(buffer);
            if (PacketReader.TryResponse(buffer.AsSpan(0, n), out var response) && response.Tid == tid)
            {
                return response;
            }
        }

        return null;
    }
}
