using System.Buffers.Binary;
using DhtRpc.Wire;
using DhtRpc.Storage.Chunking;

namespace DhtRpc.Storage.Tests.Chunking;

/// <summary>
/// Seeded mutations of real manifests (and random blocks carrying the magic), served as the root
/// and as inner manifests: parsing never throws, and fetching only ever fails with
/// <see cref="ContentVerificationException"/> or <see cref="ContentNotFoundException"/>.
/// </summary>
public sealed class HostileManifestTests
{
    private const int Seed = 0x44_48_54_4D;
    private const int RootMutations = 8_000;
    private const int InnerMutations = 4_000;
    private const int ParseMutations = 50_000;

    private static readonly ulong[] InterestingSizes =
    [
        0, 1, 2, 117, 118, 119, 127, 128, 1023, 1024, 1025, int.MaxValue, (ulong)int.MaxValue + 1, uint.MaxValue,
        (ulong)uint.MaxValue + 1, 1UL << 30, (1UL << 30) + 1, long.MaxValue, (ulong)long.MaxValue + 1, ulong.MaxValue,
    ];

    private static readonly (int Offset, int Width)[] Fields = [(4, 1), (5, 1), (6, 8), (46, 4), (50, 4)];

    /// <summary>Small trees of several shapes: one-chunk, level 0, level 1 and level 2 roots.</summary>
    private static readonly (BlockPlan Plan, BlockSource Source, byte[] Value)[] Trees =
    [
        .. new (int Size, int BlockSize)[] { (4, 200), (300, 200), (2_000, 200), (900, 128), (40_000, 300), (6_000, 128) }
            .Select(shape =>
            {
                var value = ChunkRoundTripTests.RandomBytes(shape.Size, shape.Size);
                "DHTM"u8.CopyTo(value);
                var plan = ChunkPlanner.Plan(value, shape.BlockSize);
                return (plan, BlockSource.From(plan), value);
            }),
    ];

    [Fact]
    public void The_trees_cover_several_levels()
    {
        Assert.Equal([0, 1, 2, 5], Trees.Select(tree => tree.Plan.RootLevel).Distinct().Order());
    }

    [Fact]
    public void Parsing_mutated_manifests_never_throws()
    {
        var random = new Random(Seed);
        var accepted = 0;
        for (var i = 0; i < ParseMutations; i++)
        {
            var (plan, source, _) = Trees[random.Next(Trees.Length)];
            var bytes = Mutate(random, RandomManifest(random, plan, source));
            if (ChunkManifest.TryParse(bytes, out var manifest, out var error))
            {
                accepted++;
                Assert.Equal(bytes, manifest.Encode());
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(error));
            }
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"{accepted} of {ParseMutations} mutations parsed");
        Assert.True(accepted > 0, "no mutation parsed: the round-trip half proves nothing");
    }

    [Fact]
    public async Task Mutated_roots_fail_only_with_content_exceptions()
    {
        var random = new Random(Seed + 1);
        var outcomes = new Outcomes();
        for (var i = 0; i < RootMutations; i++)
        {
            var (plan, source, value) = Trees[random.Next(Trees.Length)];
            var overlay = new BlockSource(source);
            var bytes = Mutate(random, RandomManifest(random, plan, source));
            var key = overlay.Put(bytes);

            // A manifest that verifies can only describe a span of the original value (a mutated inner
            // manifest describes its own span); a block without the magic is returned as it is.
            await outcomes.FetchAsync(
                i,
                key,
                overlay,
                bytes,
                fetched => ChunkManifest.HasMagic(bytes) ? fetched.Length > 0 && value.AsSpan().IndexOf(fetched) >= 0 : fetched.AsSpan().SequenceEqual(bytes));
        }

        outcomes.AssertVaried(RootMutations);
    }

    [Fact]
    public async Task Mutated_inner_manifests_fail_only_with_content_exceptions()
    {
        var random = new Random(Seed + 2);
        var deep = Trees.Where(tree => tree.Plan.RootLevel > 0).ToArray();
        var outcomes = new Outcomes();
        for (var i = 0; i < InnerMutations; i++)
        {
            var (plan, source, value) = deep[random.Next(deep.Length)];
            var overlay = new BlockSource(source);
            Assert.True(ChunkManifest.TryParse(source.Peek(plan.RootKey), out var root, out _));
            var position = random.Next(root.Children.Count);
            var bytes = Mutate(random, source.Peek(root.Children[position])!);
            var rootKey = ChunkFailureTests.ReplaceChild(overlay, root, position, overlay.Put(bytes));
            await outcomes.FetchAsync(i, rootKey, overlay, bytes, fetched => fetched.AsSpan().SequenceEqual(value));
        }

        outcomes.AssertVaried(InnerMutations);
    }

    [Fact]
    public void Random_blocks_with_the_magic_never_throw()
    {
        var random = new Random(Seed + 3);
        for (var i = 0; i < ParseMutations; i++)
        {
            var bytes = new byte[random.Next(0, 400)];
            random.NextBytes(bytes);
            "DHTM"u8[..Math.Min(4, bytes.Length)].CopyTo(bytes);
            if (bytes.Length > 5 && random.Next(2) == 0)
            {
                bytes[4] = 1;
                bytes[5] = (byte)random.Next(10);
            }

            _ = ChunkManifest.TryParse(bytes, out _, out _);
        }
    }

    private static byte[] RandomManifest(Random random, BlockPlan plan, BlockSource source)
    {
        var manifests = plan.Blocks.Where(block => ChunkManifest.HasMagic(block.Bytes.Span) && block.Bytes.Length >= ChunkManifest.HeaderSize).ToArray();
        var key = manifests[random.Next(manifests.Length)].Key;
        return source.Peek(key)!;
    }

    /// <summary>One to three mutations: bit flips, field overwrites, truncation, extension, key shuffles or noise.</summary>
    private static byte[] Mutate(Random random, byte[] original)
    {
        var bytes = original.ToArray();
        var rounds = random.Next(1, 4);
        for (var round = 0; round < rounds; round++)
        {
            switch (random.Next(7))
            {
                case 0 when bytes.Length > 0:
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Length >= ChunkManifest.HeaderSize:
                    var (offset, width) = Fields[random.Next(Fields.Length)];
                    var interesting = random.Next(3) switch
                    {
                        0 => InterestingSizes[random.Next(InterestingSizes.Length)],
                        1 => Read(bytes, offset, width) + (ulong)random.Next(-2, 3),
                        _ => (ulong)random.NextInt64(),
                    };
                    Write(bytes, offset, width, interesting);
                    break;
                case 2:
                    bytes = bytes[..random.Next(bytes.Length + 1)];
                    break;
                case 3:
                    var extra = new byte[random.Next(1, 3) == 1 ? NodeId.Size : random.Next(1, 70)];
                    random.NextBytes(extra);
                    bytes = [.. bytes, .. extra];
                    break;
                case 4 when bytes.Length >= ChunkManifest.HeaderSize + (2 * NodeId.Size):
                    var keys = (bytes.Length - ChunkManifest.HeaderSize) / NodeId.Size;
                    var from = ChunkManifest.HeaderSize + (random.Next(keys) * NodeId.Size);
                    var to = ChunkManifest.HeaderSize + (random.Next(keys) * NodeId.Size);
                    bytes.AsSpan(from, NodeId.Size).ToArray().CopyTo(bytes.AsSpan(to));
                    break;
                case 5:
                    bytes = new byte[random.Next(0, 600)];
                    random.NextBytes(bytes);
                    break;
                default:
                    if (bytes.Length > 0)
                    {
                        bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    }

                    break;
            }
        }

        // Mostly keep the magic so that the manifest parser, not the raw-block path, sees the block.
        if (random.Next(10) != 0 && bytes.Length >= 4)
        {
            "DHTM"u8.CopyTo(bytes);
        }

        return bytes;
    }

    private static ulong Read(byte[] bytes, int offset, int width) => width switch
    {
        1 => bytes[offset],
        4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset)),
        _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(offset)),
    };

    private static void Write(byte[] bytes, int offset, int width, ulong value)
    {
        switch (width)
        {
            case 1:
                bytes[offset] = (byte)value;
                break;
            case 4:
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), (uint)value);
                break;
            default:
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), value);
                break;
        }
    }

    private sealed class Outcomes
    {
        public int Succeeded { get; private set; }

        public int Unverified { get; private set; }

        public int NotFound { get; private set; }

        /// <summary>Fetches; a success must return a value <paramref name="isExpected"/> accepts.</summary>
        public async Task FetchAsync(int iteration, NodeId rootKey, BlockSource source, byte[] mutated, Func<byte[], bool> isExpected)
        {
            try
            {
                var value = await ChunkAssembler.FetchAsync(rootKey, source.FetchAsync, FetchOptions.Default, TestContext.Current.CancellationToken);
                Assert.NotNull(value);
                Assert.True(isExpected(value), $"mutation {iteration} ({Convert.ToHexString(mutated)}) fetched {value.Length} unexpected bytes");

                Succeeded++;
            }
            catch (ContentVerificationException e)
            {
                Assert.False(string.IsNullOrWhiteSpace(e.Message));
                Unverified++;
            }
            catch (ContentNotFoundException e)
            {
                Assert.NotNull(e.MissingKey);
                NotFound++;
            }
            catch (Exception e) when (e is not Xunit.Sdk.IAssertionException)
            {
                Assert.Fail($"mutation {iteration} ({Convert.ToHexString(mutated)}) threw {e}");
            }
        }

        public void AssertVaried(int total)
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"{Succeeded} fetched, {Unverified} failed verification, {NotFound} hit a missing block");
            Assert.Equal(total, Succeeded + Unverified + NotFound);
            Assert.True(Unverified > total / 2, $"{Unverified} verification failures of {total}");
            Assert.True(NotFound > 0, "no mutation reached a missing block");
        }
    }
}
