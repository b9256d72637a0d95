using System.Net;
using System.Threading.RateLimiting;
using DhtRpc.Storage;
using DhtRpc.Storage.Chunking;
using DhtRpc.Storage.Client;
using DhtRpc.Wire;
using Microsoft.AspNetCore.Http;

namespace DhtRpc.Hosting.Http;

/// <summary>
/// <c>GET</c> and <c>PUT /content/{hash}</c>: the network's content storage over HTTP, like a REST
/// proxy. Values are checked against their hash both ways; every refusal has its status code.
/// </summary>
internal sealed class ContentEndpoints : IDisposable
{
    /// <summary>The block size values were chunked with before <see cref="PutOptions.DefaultBlockSize"/>.</summary>
    private const int EarlierDefaultBlockSize = 16 * 1024;

    private readonly PartitionedRateLimiter<IPAddress> _limiter;

    public ContentEndpoints(int requestsPerSecond)
    {
        _limiter = PartitionedRateLimiter.Create<IPAddress, IPAddress>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = requestsPerSecond * 2,
            TokensPerPeriod = requestsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public void Dispose() => _limiter.Dispose();

    public async Task GetAsync(HttpContext context, DhtNodeService service)
    {
        if (await AcceptAsync(context, service).ConfigureAwait(false) is not { } key)
        {
            return;
        }

        var client = new DhtStorageClient(service.Node);
        byte[]? value;
        try
        {
            value = await client.GetAsync(key, cancellationToken: context.RequestAborted).ConfigureAwait(false);
        }
        catch (ContentVerificationException e)
        {
            await JsonReply.ErrorAsync(context, StatusCodes.Status502BadGateway, $"Every copy found failed verification: {e.Message}").ConfigureAwait(false);
            return;
        }
        catch (ContentNotFoundException e)
        {
            await JsonReply.ErrorAsync(context, StatusCodes.Status502BadGateway, $"Part of the value is missing from the network: {e.Message}").ConfigureAwait(false);
            return;
        }
        catch (DhtException e)
        {
            await JsonReply.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, $"The network could not be asked: {e.Message}").ConfigureAwait(false);
            return;
        }

        if (value is null)
        {
            await JsonReply.ErrorAsync(context, StatusCodes.Status404NotFound, $"No node holds content {key}.").ConfigureAwait(false);
            return;
        }

        context.Response.ContentType = "application/octet-stream";
        context.Response.ContentLength = value.Length;
        context.Response.Headers.ETag = $"\"{key}\"";
        await context.Response.Body.WriteAsync(value, context.RequestAborted).ConfigureAwait(false);
    }

    public async Task PutAsync(HttpContext context, DhtNodeService service)
    {
        if (await AcceptAsync(context, service).ConfigureAwait(false) is not { } key)
        {
            return;
        }

        var limit = service.StorageOptions?.MaxHttpContentBytes ?? 16L * 1024 * 1024;
        if (context.Request.ContentLength > limit)
        {
            await JsonReply.ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"The body is {context.Request.ContentLength} bytes; this node takes at most {limit}.").ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(context.Request, limit, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            await JsonReply.ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, $"The body is larger than {limit} bytes, the most this node takes.").ConfigureAwait(false);
            return;
        }

        if (KeyBlockSize(body, key) is not { } blockSize)
        {
            var actual = ChunkPlanner.Plan(body, PutOptions.DefaultBlockSize).RootKey;
            await JsonReply.ErrorAsync(context, StatusCodes.Status422UnprocessableEntity, $"The body hashes to {actual}, not {key}: content is stored under its own hash.").ConfigureAwait(false);
            return;
        }

        var options = new PutOptions { BlockSize = blockSize };

        PutResult result;
        try
        {
            result = await new DhtStorageClient(service.Node).PutAsync(body, options, context.RequestAborted).ConfigureAwait(false);
        }
        catch (StorageException e)
        {
            await JsonReply.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, $"The network refused the value: {e.Message}").ConfigureAwait(false);
            return;
        }
        catch (DhtException e)
        {
            await JsonReply.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, $"The network could not take the value: {e.Message}").ConfigureAwait(false);
            return;
        }

        if (result.Replicas == 0)
        {
            await JsonReply.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "No node took the value (none answered, or all refused).").ConfigureAwait(false);
            return;
        }

        context.Response.Headers.Location = $"/content/{key}";
        await JsonReply.WriteAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteString("key", result.Key.ToString());
            json.WriteNumber("size", result.Size);
            json.WriteNumber("blocks", result.Blocks);
            json.WriteNumber("replicas", result.Replicas);
            json.WriteEndObject();
        }, StatusCodes.Status201Created).ConfigureAwait(false);
    }

    /// <summary>
    /// The block size under which <paramref name="body"/> has the key <paramref name="key"/>: the default, or
    /// 16 KiB, the default of versions before 1 KiB blocks, so that a key computed by one of those still
    /// names its body; null when neither gives the key.
    /// </summary>
    private static int? KeyBlockSize(byte[] body, NodeId key)
    {
        foreach (var size in (ReadOnlySpan<int>)[PutOptions.DefaultBlockSize, EarlierDefaultBlockSize])
        {
            if (ChunkPlanner.Plan(body, size).RootKey == key)
            {
                return size;
            }
        }

        return null;
    }

    /// <summary>The body, or null when it is longer than <paramref name="limit"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The content key of a request within its address's rate, naming a hash, to a joined node; else null, answered.</summary>
    private async Task<NodeId?> AcceptAsync(HttpContext context, DhtNodeService service)
    {
        if (!await AdmitAsync(context).ConfigureAwait(false))
        {
            return null;
        }

        if (ParseKey(context) is not { } key)
        {
            await BadKeyAsync(context).ConfigureAwait(false);
            return null;
        }

        return await Running.CheckJoinedAsync(context, service).ConfigureAwait(false) ? key : null;
    }

    private static NodeId? ParseKey(HttpContext context) =>
        context.Request.RouteValues["hash"] is string { Length: 64 } text && NodeId.TryParse(text, out var key) ? key : null;

    private static Task BadKeyAsync(HttpContext context) => JsonReply.ErrorAsync(
        context,
        StatusCodes.Status400BadRequest,
        $"'{context.Request.RouteValues["hash"]}' is not a content hash: 64 hexadecimal characters (SHA-256).");

    private async Task<bool> AdmitAsync(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress ?? IPAddress.None;
        using var lease = _limiter.AttemptAcquire(address);
        if (lease.IsAcquired)
        {
            return true;
        }

        context.Response.Headers.RetryAfter = "1";
        await JsonReply.ErrorAsync(context, StatusCodes.Status429TooManyRequests, "Too many content requests from this address; try again in a second.").ConfigureAwait(false);
        return false;
    }
}
