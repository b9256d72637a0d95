using Microsoft.AspNetCore.Http;

namespace DhtRpc.Hosting.Http;

/// <summary>Answers 503 while the node is not running (not started yet, or stopped).</summary>
internal static class Running
{
    public static async Task<bool> CheckAsync(HttpContext context, DhtNodeService service)
    {
        if (service.Host is { Node.Destroyed: false })
        {
            return true;
        }

        context.Response.Headers.RetryAfter = "1";
        await JsonReply.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "The DHT node is not running (starting or stopped).").ConfigureAwait(false);
        return false;
    }

    public static async Task<bool> CheckJoinedAsync(HttpContext context, DhtNodeService service)
    {
        if (!await CheckAsync(context, service).ConfigureAwait(false))
        {
            return false;
        }

        if (service.Node.Bootstrapped)
        {
            return true;
        }

        context.Response.Headers.RetryAfter = "1";
        await JsonReply.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, "The DHT node has not joined the network yet.").ConfigureAwait(false);
        return false;
    }
}
