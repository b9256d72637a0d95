using System.Text.RegularExpressions;

namespace DhtRpc.Hosting.Tests;

/// <summary>
/// The dashboard, loaded by a real browser (headless Chromium, Debian's package) against a live node:
/// what the page shows after its script ran, and a screenshot kept in TestResults/.
/// </summary>
public sealed partial class DashboardBrowserTests
{
    private static readonly string[] BrowserPaths = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    [Fact]
    public async Task The_dashboard_shows_the_nodes_id_health_routing_table_counters_and_items()
    {
        var browser = Browser();
        await using var host = await ApiHost.StartAsync();
        var node = host.Service.Node;
        var table = await node.GetRoutingTableAsync();
        var key = Wire.NodeId.Read(System.Security.Cryptography.SHA256.HashData("shown-item"u8));
        host.Service.Storage!.Inspect(store =>
        {
            store.Put(new Storage.Stores.StoredItem { Space = Storage.Stores.ItemSpace.Warehouse, Key = key, Value = new byte[1234], StoredAt = DateTimeOffset.UtcNow, StoredBy = "127.0.0.9:1" });
            return 0;
        });

        var dom = await RunAsync(browser, "--dump-dom", host.Address.ToString());

        Assert.Equal(node.Id!.ToString(), Text(dom, "node-id"));
        Assert.Matches("<div id=\"health\" class=\"health\" data-status=\"Healthy\">health: Healthy</div>", dom);
        Assert.Equal(table.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Text(dom, "table-size"));
        var routingBody = Section(dom, "routing");
        Assert.Equal(table.Count, RowPattern().Count(routingBody));
        Assert.Contains(table[0].Endpoint.ToString(), routingBody, StringComparison.Ordinal);
        Assert.Contains("requests.total", Section(dom, "counters"), StringComparison.Ordinal);
        Assert.Contains("storage.stored", Section(dom, "counters"), StringComparison.Ordinal);
        Assert.StartsWith("(1 warehouse items", Text(dom, "items-total"), StringComparison.Ordinal);
        Assert.Contains($"<td>{key.ToString()[..16]}…</td><td>1234</td><td>127.0.0.9:1</td>", Section(dom, "items"), StringComparison.Ordinal);
        Assert.Equal("", Text(dom, "error"));

        var folder = Path.Combine(RepoPaths.Root, "TestResults");
        Directory.CreateDirectory(folder);
        var screenshot = Path.Combine(folder, "dashboard.png");
        File.Delete(screenshot);
        await RunAsync(browser, $"--screenshot={screenshot}", host.Address.ToString());
        Assert.True(new FileInfo(screenshot).Length > 10_000, "the screenshot is missing or blank");
        TestContext.Current.AddAttachment("dashboard.png", await File.ReadAllBytesAsync(screenshot, TestContext.Current.CancellationToken), "image/png");
    }

    /// <summary>Chromium, or a skip on a machine without it (a failure where DHT_REQUIRE_BROWSER=1, as in CI).</summary>
    private static string Browser()
    {
        var found = BrowserPaths.FirstOrDefault(File.Exists);
        if (found is not null)
        {
            return found;
        }

        const string Missing = "Chromium is not installed (apt-get install -y chromium).";
        Assert.False(Environment.GetEnvironmentVariable("DHT_REQUIRE_BROWSER") == "1", Missing);
        Assert.Skip(Missing);
        return "";
    }

    private static async Task<string> RunAsync(string browser, string what, string url)
    {
        var profile = Path.Combine(Path.GetTempPath(), $"dht-chromium-{Guid.NewGuid():N}");
        try
        {
            // Virtual time lets the page's script fetch the API and draw twice before the DOM is read.
            var result = await ProcessRunner.RunAsync(
                browser,
                ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", $"--user-data-dir={profile}", "--window-size=1280,1400", "--virtual-time-budget=5000", what, url],
                RepoPaths.Root,
                TimeSpan.FromSeconds(90));
            Assert.True(result.ExitCode == 0, result.ToString());
            return result.StandardOutput;
        }
        finally
        {
            if (Directory.Exists(profile))
            {
                Directory.Delete(profile, recursive: true);
            }
        }
    }

    private static string Text(string dom, string id)
    {
        var match = Regex.Match(dom, $"id=\"{id}\"[^>]*>(?<text>[^<]*)<");
        Assert.True(match.Success, $"the page has no element #{id}");
        return System.Net.WebUtility.HtmlDecode(match.Groups["text"].Value);
    }

    private static string Section(string dom, string tableId)
    {
        var match = Regex.Match(dom, $"<table id=\"{tableId}\">(?<body>.*?)</table>", RegexOptions.Singleline);
        Assert.True(match.Success, $"the page has no table #{tableId}");
        return match.Groups["body"].Value;
    }

    [GeneratedRegex("<tr><td>")]
    private static partial Regex RowPattern();
}
