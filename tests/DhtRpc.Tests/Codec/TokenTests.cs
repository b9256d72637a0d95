using System.Text.Json.Nodes;
using DhtRpc.Crypto;
using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Codec;

public sealed class TokenTests
{
    private static JsonObject Examples => Vectors.Obj(Vectors.Root, "tokenExamples");

    private static JsonObject Live => Vectors.Obj(Examples, "live");

    public static TheoryData<int> FixedIndexes() =>
        new(Enumerable.Range(0, Vectors.Arr(Examples, "fixed").Count)
            .Where(i => Vectors.Arr(Examples, "fixed")[i]?["tokenHex"] is not null));

    private static string Token(ReadOnlySpan<byte> secret, string host)
    {
        var token = new byte[32];
        TokenSecrets.Compute(secret, Ipv4Endpoint.Parse(host + ":1"), token);
        return Vectors.ToHex(token);
    }

    private static TokenSecrets LiveSecrets() =>
        new(Vectors.Hex(Vectors.Str(Live, "previousSecretHex")), Vectors.Hex(Vectors.Str(Live, "currentSecretHex")));

    [Fact]
    public void Live_token_recomputes_from_current_secret()
    {
        Assert.Equal("127.0.0.1", Vectors.Str(Live, "host"));
        Assert.Equal(Vectors.ToHex("127.0.0.1"u8), Vectors.Str(Live, "hostBytesHex"));
        var token = Token(Vectors.Hex(Vectors.Str(Live, "currentSecretHex")), "127.0.0.1");
        Assert.Equal(Vectors.Str(Live, "tokenInReplyHex"), token);
        Assert.Equal(Vectors.Str(Live, "recomputedKeyedBlake2b256Hex"), token);

        using var secrets = LiveSecrets();
        var created = new byte[32];
        secrets.Create(Ipv4Endpoint.Loopback(45860), created);
        Assert.Equal(token, Vectors.ToHex(created));
    }

    [Theory]
    [MemberData(nameof(FixedIndexes))]
    public void Fixed_secret_example(int index)
    {
        var example = Vectors.Arr(Examples, "fixed")[index];
        Assert.Equal(Vectors.Str(example, "tokenHex"), Token(Vectors.Hex(Vectors.Str(example, "secretHex")), Vectors.Str(example, "host")));
    }

    [Fact]
    public void Rotation_example()
    {
        var example = Vectors.Arr(Examples, "fixed").Single(e => e?["rotatedHex"] is not null);
        var oldSecret = Vectors.Hex(Vectors.Str(example, "oldSecretHex"));
        var rotated = Vectors.Str(example, "rotatedHex");

        var digest = new byte[32];
        Blake2b.Hash(oldSecret, digest);
        Assert.Equal(rotated, Vectors.ToHex(digest));

        // previous = old secret, current = anything: after a rotation current is the hash of the old
        // previous and previous holds the old current.
        var current = Vectors.Hex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
        using var secrets = new TokenSecrets(oldSecret, current);
        secrets.Rotate();
        Assert.Equal(rotated, Vectors.ToHex(secrets.Current));
        Assert.Equal(Vectors.ToHex(current), Vectors.ToHex(secrets.Previous));
    }

    [Fact]
    public void Maintenance_tick_rotates_every_tenth_call()
    {
        var example = Vectors.Arr(Examples, "fixed").Single(e => e?["rotatedHex"] is not null);
        var oldSecret = Vectors.Hex(Vectors.Str(example, "oldSecretHex"));
        var current = new byte[32];
        using var secrets = new TokenSecrets(oldSecret, current);
        for (var i = 0; i < TokenSecrets.RotationInterval - 1; i++)
        {
            secrets.OnMaintenanceTick();
            Assert.Equal(Vectors.ToHex(oldSecret), Vectors.ToHex(secrets.Previous));
        }

        secrets.OnMaintenanceTick();
        Assert.Equal(Vectors.Str(example, "rotatedHex"), Vectors.ToHex(secrets.Current));
        Assert.Equal(Vectors.ToHex(current), Vectors.ToHex(secrets.Previous));
    }

    [Fact]
    public void Verify_accepts_current_and_previous_and_rejects_others()
    {
        using var secrets = LiveSecrets();
        var host = Ipv4Endpoint.Parse("127.0.0.1:45860");
        var underCurrent = Vectors.Hex(Token(secrets.Current, "127.0.0.1"));
        var underPrevious = Vectors.Hex(Token(secrets.Previous, "127.0.0.1"));
        var underOther = Vectors.Hex(Token(new byte[32], "127.0.0.1"));

        Assert.True(secrets.Verify(host, underCurrent));
        Assert.True(secrets.Verify(host, underPrevious));
        Assert.False(secrets.Verify(host, underOther));
        Assert.False(secrets.Verify(host, new byte[32]));
        Assert.False(secrets.Verify(host, underCurrent.AsSpan(0, 31)));
        Assert.False(secrets.Verify(host, []));

        // The port is not part of the token; the host is.
        Assert.True(secrets.Verify(host.WithPort(1), underCurrent));
        Assert.False(secrets.Verify(Ipv4Endpoint.Parse("127.0.0.2:45860"), underCurrent));
        Assert.False(secrets.Verify(Ipv4Endpoint.Parse("1.2.3.4:45860"), underPrevious));

        var flipped = (byte[])underCurrent.Clone();
        flipped[31] ^= 1;
        Assert.False(secrets.Verify(host, flipped));

        // After a rotation the old current is still accepted (now previous), the old previous is not.
        secrets.Rotate();
        Assert.True(secrets.Verify(host, underCurrent));
        Assert.False(secrets.Verify(host, underPrevious));
        secrets.Rotate();
        Assert.False(secrets.Verify(host, underCurrent));
    }

    /// <summary>Tokens seen on the wire, checked against the responder's captured secrets.</summary>
    [Fact]
    public void Captured_tokens_verify_against_live_secrets()
    {
        using var secrets = LiveSecrets();
        var fromA = 0;
        foreach (var (name, packet) in Vectors.Packets)
        {
            var bytes = Vectors.Hex(Vectors.Str(packet, "hex"));
            var from = Vectors.Str(packet, "from");
            if (bytes[0] != MessageType.Response || from != "a.server")
            {
                continue;
            }

            Assert.True(ResponseMessage.TryDecode(bytes, out var response));
            if (response.HasToken)
            {
                // a's tokens are for the requester's host (127.0.0.1), under a's current secret.
                Assert.Equal(Vectors.Str(Live, "tokenInReplyHex"), Vectors.ToHex(response.Token));
                Assert.True(secrets.Verify(response.To, response.Token), name);
                fromA++;
            }
        }

        Assert.True(fromA >= 4);

        Assert.True(RequestMessage.TryDecode(Vectors.Hex(Vectors.Str(Vectors.Packets["raw/user_command_with_valid_token/request"], "hex")), out var echoed));
        Assert.True(secrets.Verify(Vectors.SocketEndpoint("raw"), echoed.Token));
        foreach (var rejected in new[] { "raw/error_invalid_token/request", "raw/error_invalid_token_no_target/request" })
        {
            Assert.True(RequestMessage.TryDecode(Vectors.Hex(Vectors.Str(Vectors.Packets[rejected], "hex")), out var bad));
            Assert.True(bad.HasToken);
            Assert.False(secrets.Verify(Vectors.SocketEndpoint("raw"), bad.Token));
        }
    }
}
