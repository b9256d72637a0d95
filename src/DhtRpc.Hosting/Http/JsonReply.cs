using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace DhtRpc.Hosting.Http;

/// <summary>Writes a JSON body with <see cref="Utf8JsonWriter"/>: no reflection, so the API runs in a native executable.</summary>
internal static class JsonReply
{
    public static async Task WriteAsync(HttpContext context, Action<Utf8JsonWriter> write, int status = StatusCodes.Status200OK)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        write(json);
        await json.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>An error body: <c>{"error": "...", "status": n}</c>, one sentence saying what is wrong.</summary>
    public static Task ErrorAsync(HttpContext context, int status, string message) => WriteAsync(
        context,
        json =>
        {
            json.WriteStartObject();
            json.WriteString("error", message);
            json.WriteNumber("status", status);
            json.WriteEndObject();
        },
        status);
}
