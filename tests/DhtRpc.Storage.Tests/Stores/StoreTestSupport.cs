using DhtRpc.Wire;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage.Tests.Stores;

/// <summary>A fresh directory under the system temp path, deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dhtrpc-store-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>A clock that only moves when told to.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}

internal static class Items
{
    /// <summary>A whole-millisecond instant: both stores keep times at millisecond precision or better.</summary>
    public static readonly DateTimeOffset Epoch = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static DateTimeOffset At(long milliseconds) => Epoch.AddMilliseconds(milliseconds);

    /// <summary>A key whose first byte is <paramref name="first"/> and last byte <paramref name="last"/>.</summary>
    public static NodeId Key(byte first, byte last = 0)
    {
        var bytes = new byte[NodeId.Size];
        bytes[0] = first;
        bytes[^1] = last;
        return NodeId.Read(bytes);
    }

    public static StoredItem Make(
        NodeId key,
        ItemSpace space = ItemSpace.Content,
        int size = 10,
        long storedAtMs = 0,
        DateTimeOffset? expiresAt = null) =>
        new()
        {
            Space = space,
            Key = key,
            Value = Enumerable.Range(0, size).Select(i => (byte)(i * 7 + key.ToArray()[0])).ToArray(),
            StoredAt = At(storedAtMs),
            StoredBy = "10.0.0.1:49737",
            ExpiresAt = expiresAt,
        };

    /// <summary>A warehouse item with every optional field set.</summary>
    public static StoredItem Full(NodeId key) =>
        new()
        {
            Space = ItemSpace.Warehouse,
            Key = key,
            Value = [1, 2, 3, 4, 5, 0, 255],
            StoredAt = At(1_234),
            StoredBy = "192.168.1.20:50001",
            AccessCount = 17,
            LastAccess = At(5_678),
            ExpiresAt = At(3_600_000),
            OwnerKey = Enumerable.Range(0, 32).Select(i => (byte)(200 - i)).ToArray(),
            Sequence = 42,
        };

    public static void AssertSame(StoredItem expected, StoredItem? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Space, actual.Space);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Value, actual.Value);
        Assert.Equal(expected.StoredAt, actual.StoredAt);
        Assert.Equal(expected.StoredBy, actual.StoredBy);
        Assert.Equal(expected.AccessCount, actual.AccessCount);
        Assert.Equal(expected.LastAccess, actual.LastAccess);
        Assert.Equal(expected.ExpiresAt, actual.ExpiresAt);
        Assert.Equal(expected.OwnerKey, actual.OwnerKey);
        Assert.Equal(expected.Sequence, actual.Sequence);
    }
}
