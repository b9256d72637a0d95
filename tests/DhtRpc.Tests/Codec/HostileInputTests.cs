using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Codec;

/// <summary>
/// Property test over a fixed, seeded corpus of hostile datagrams derived from every captured
/// packet: the decoders never throw, and anything they accept re-encodes to a message that decodes
/// to the same fields (and is a fixed point of decode/encode).
/// </summary>
public sealed class HostileInputTests
{
    private const int Seed = 0x0D47_6271;
    private const int RandomDatagrams = 15_000;
    private const int VarintPrefixed = 15_000;
    private const int Spliced = 10_000;
    private const int MinimumCorpus = 100_000;

    private static readonly byte[] VarintLeads = [0x00, 0x01, 0x1F, 0xFC, 0xFD, 0xFE, 0xFF];

    [Fact]
    public void Decoders_never_throw_and_accepted_messages_round_trip()
    {
        var seeds = Vectors.AllDatagrams.ToList();
        Assert.Equal(Vectors.Packets.Count, seeds.Count);
        var total = 0;
        var accepted = 0;
        foreach (var datagram in Corpus(new Random(Seed), seeds))
        {
            total++;
            if (Check(datagram))
            {
                accepted++;
            }
        }

        Assert.True(total >= MinimumCorpus, $"only {total} datagrams generated");

        // Mutations of valid packets must also produce accepted inputs, or the round-trip half proves nothing.
        Assert.True(accepted > total / 10, $"only {accepted} of {total} accepted");
        TestContext.Current.TestOutputHelper?.WriteLine($"{total} hostile datagrams, {accepted} accepted");
    }

    private static bool Check(byte[] datagram)
    {
        bool isRequest, isResponse;
        MessageFields? first = null;
        byte[]? reencoded = null;
        try
        {
            isRequest = RequestMessage.TryDecode(datagram, out var request);
            isResponse = ResponseMessage.TryDecode(datagram, out var response);
            if (isRequest)
            {
                first = MessageFields.Of(request);
                reencoded = request.ToArray();
            }
            else if (isResponse)
            {
                first = MessageFields.Of(response);
                reencoded = response.ToArray();
            }
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.IAssertionException)
        {
            Assert.Fail($"decoding {Vectors.ToHex(datagram)} threw {ex}");
            throw;
        }

        Assert.False(isRequest && isResponse, Vectors.ToHex(datagram));
        if (first is null || reencoded is null)
        {
            return false;
        }

        Assert.Equal(first.IsRequest ? MessageType.Request : MessageType.Response, datagram[0]);
        Assert.True(MessageFields.TryDecode(reencoded, out var second, out var reencodedAgain), $"re-encoding of {Vectors.ToHex(datagram)} does not decode");
        Assert.Equal(first, second);
        Assert.Equal(reencoded, reencodedAgain);
        return true;
    }

    private static IEnumerable<byte[]> Corpus(Random rng, List<byte[]> seeds)
    {
        // Random bytes of random length 0..300; half of them start with a valid type byte.
        for (var i = 0; i < RandomDatagrams; i++)
        {
            var bytes = new byte[rng.Next(0, 301)];
            rng.NextBytes(bytes);
            if (bytes.Length > 0 && (i & 1) == 0)
            {
                bytes[0] = (i & 2) == 0 ? MessageType.Request : MessageType.Response;
            }

            yield return bytes;
        }

        foreach (var seed in seeds)
        {
            // The seed itself, with trailing junk, and every truncation.
            yield return seed;
            yield return [.. seed, .. RandomBytes(rng, rng.Next(1, 40))];
            for (var length = 0; length < seed.Length; length++)
            {
                yield return seed[..length];
            }

            // Every single-bit flip.
            for (var bit = 0; bit < seed.Length * 8; bit++)
            {
                var flipped = (byte[])seed.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                yield return flipped;
            }

            // Deletion of each byte, insertion of a random byte at each position.
            for (var position = 0; position < seed.Length; position++)
            {
                yield return [.. seed.AsSpan(0, position), .. seed.AsSpan(position + 1)];
            }

            for (var position = 0; position <= seed.Length; position++)
            {
                yield return [.. seed.AsSpan(0, position), (byte)rng.Next(256), .. seed.AsSpan(position)];
            }
        }

        // A valid type byte, then varint-like flags and a tail of varint-like tokens and random bytes.
        for (var i = 0; i < VarintPrefixed; i++)
        {
            var bytes = new List<byte> { (i & 1) == 0 ? MessageType.Request : MessageType.Response };
            var tokens = rng.Next(1, 12);
            for (var t = 0; t < tokens; t++)
            {
                if (rng.Next(3) == 0)
                {
                    bytes.AddRange(RandomBytes(rng, rng.Next(0, 40)));
                }
                else
                {
                    AddVarintLike(rng, bytes);
                }
            }

            yield return [.. bytes];
        }

        // A seed cut at a random point, a varint-like token spliced in, then the rest of the seed.
        for (var i = 0; i < Spliced; i++)
        {
            var seed = seeds[rng.Next(seeds.Count)];
            var cut = rng.Next(1, seed.Length + 1);
            var bytes = new List<byte>(seed.AsSpan(0, cut).ToArray());
            AddVarintLike(rng, bytes);
            var resume = rng.Next(cut, seed.Length + 1);
            bytes.AddRange(seed.AsSpan(resume).ToArray());
            yield return [.. bytes];
        }
    }

    private static void AddVarintLike(Random rng, List<byte> bytes)
    {
        var lead = VarintLeads[rng.Next(VarintLeads.Length)];
        bytes.Add(lead);
        var width = lead switch
        {
            0xFD => 2,
            0xFE => 4,
            0xFF => 8,
            _ => 0,
        };

        // Sometimes short (truncated), sometimes the full width; for FF sometimes around 2^53.
        var payload = RandomBytes(rng, rng.Next(4) == 0 ? rng.Next(0, width + 1) : width);
        if (lead == 0xFF && payload.Length == 8 && rng.Next(2) == 0)
        {
            payload[7] = 0;
            payload[6] = (byte)rng.Next(0x1E, 0x22);
        }

        bytes.AddRange(payload);
    }

    private static byte[] RandomBytes(Random rng, int length)
    {
        var bytes = new byte[length];
        rng.NextBytes(bytes);
        return bytes;
    }
}
