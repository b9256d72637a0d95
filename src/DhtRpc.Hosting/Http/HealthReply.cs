using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DhtRpc.Hosting.Http;

/// <summary>The <c>/health</c> body: overall status, and each check's status, description and data.</summary>
internal static class HealthReply
{
    public static Task WriteAsync(HttpContext context, HealthReport report) => JsonReply.WriteAsync(
        context,
        json =>
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteStartObject("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject(name);
                json.WriteString("status", entry.Status.ToString());
                json.WriteString("description", entry.Description);
                foreach (var (key, value) in entry.Data)
                {
                    if (value is bool flag)
                    {
                        json.WriteBoolean(key, flag);
                    }
                    else
                    {
                        json.WriteString(key, value.ToString());
                    }
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        },
        context.Response.StatusCode);
}
