using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace DhtRpc.Hosting.Http;

/// <summary>The dashboard's files, embedded in this assembly (plain HTML, script and CSS: nothing to build).</summary>
internal static class DashboardFiles
{
    private static readonly ConcurrentDictionary<string, byte[]> Loaded = new(StringComparer.Ordinal);

    public static async Task WriteAsync(HttpContext context, string name, string contentType)
    {
        var bytes = Loaded.GetOrAdd(name, Load);
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
    }

    private static byte[] Load(string name)
    {
        using var stream = typeof(DashboardFiles).Assembly.GetManifestResourceStream("DhtRpc.Hosting.Dashboard." + name)
            ?? throw new InvalidOperationException($"The dashboard file {name} is missing from the assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
