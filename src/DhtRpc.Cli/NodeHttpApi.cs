namespace DhtRpc.Cli;

/// <summary>Reads a running node's HTTP API (`dht node --http`) for the verbs that show a remote node.</summary>
internal static class NodeHttpApi
{
    /// <summary>The API's base URL from a URL or HOST:PORT (a bare PORT means 127.0.0.1).</summary>
    public static string BaseUrl(string address) =>
        address.StartsWith("http://", StringComparison.Ordinal) || address.StartsWith("https://", StringComparison.Ordinal)
            ? address.TrimEnd('/')
            : ServiceHost.HttpUrlOf(address);

    /// <summary>The body of <paramref name="path"/>, or a one-sentence error when the node can't be read.</summary>
    public static async Task<string> GetAsync(string address, string path, CancellationToken stop)
    {
        if (!Uri.TryCreate(BaseUrl(address) + path, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"--http '{address}' is not a URL or HOST:PORT.");
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            using var reply = await client.GetAsync(uri, stop).ConfigureAwait(false);
            var body = await reply.Content.ReadAsStringAsync(stop).ConfigureAwait(false);
            if (!reply.IsSuccessStatusCode)
            {
                throw new CliException($"{uri} answered {(int)reply.StatusCode} {reply.ReasonPhrase}.", CliFailure.Failed);
            }

            return body;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
        {
            throw new CliException($"Could not read {uri}: {e.Message}", CliFailure.Unreachable);
        }
    }
}
