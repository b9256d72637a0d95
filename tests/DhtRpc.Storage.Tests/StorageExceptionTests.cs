using DhtRpc.Wire;
using DhtRpc.Storage.Chunking;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using static DhtRpc.Storage.Tests.Stores.Items;

namespace DhtRpc.Storage.Tests;

/// <summary>One hierarchy: every storage exception is a <see cref="StorageException"/> with a code, and keeps its message.</summary>
public sealed class StorageExceptionTests
{
    [Fact]
    public void A_store_error_is_store_unavailable_and_names_its_path()
    {
        var inner = new IOException("disk");
        var error = new StorageException("Cannot open it.", "/data/store.db", inner);

        Assert.Equal(StorageErrorCode.StoreUnavailable, error.Code);
        Assert.Equal("/data/store.db", error.Path);
        Assert.Same(inner, error.InnerException);
        Assert.Equal(StorageErrorCode.StoreUnavailable, new StorageException().Code);
        Assert.Null(new StorageException("no path").Path);
    }

    [Fact]
    public void A_refusal_keeps_the_reply_code_node_and_message()
    {
        var node = Ipv4Endpoint.Parse("10.0.0.7:4000");
        var error = new StorageRefusedException(StorageErrors.StorageFull, node);

        StorageException asBase = error;
        Assert.Equal(StorageErrorCode.Refused, asBase.Code);
        Assert.Equal(StorageErrors.StorageFull, error.Code);
        Assert.Equal(node, error.Node);
        Assert.Equal($"10.0.0.7:4000 refused: {StorageErrors.Describe(StorageErrors.StorageFull)} (error {StorageErrors.StorageFull}).", error.Message);
        Assert.Null(asBase.Path);
        Assert.Equal(StorageErrorCode.Refused, ((StorageException)new StorageRefusedException("no token")).Code);
    }

    [Fact]
    public void Content_errors_keep_their_keys_and_messages()
    {
        var key = Key(1, 2);
        var corrupt = new ContentVerificationException(key, "wrong hash");
        var missing = new ContentNotFoundException(key, 3);

        Assert.Equal(StorageErrorCode.ContentCorrupt, corrupt.Code);
        Assert.Equal(key, corrupt.Key);
        Assert.Equal($"Block {key}: wrong hash", corrupt.Message);
        Assert.Equal(StorageErrorCode.ContentMissing, missing.Code);
        Assert.Equal(key, missing.MissingKey);
        Assert.Equal(3, missing.FetchedBlocks);
        Assert.Equal($"Block {key} was not found (3 blocks of the value had been fetched).", missing.Message);
        Assert.IsAssignableFrom<StorageException>(new ContentNotFoundException("gone"));
    }
}
