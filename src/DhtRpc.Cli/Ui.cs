using Spectre.Console;
using Spectre.Console.Rendering;

namespace DhtRpc.Cli;

/// <summary>Console helpers: tables on stdout, progress on stderr (plain lines when stderr is not a terminal).</summary>
internal static class Ui
{
    private static readonly Lazy<IAnsiConsole> OutConsole = new(() => Create(Console.Out, Console.IsOutputRedirected));
    private static readonly Lazy<IAnsiConsole> ErrConsole = new(() => Create(Console.Error, Console.IsErrorRedirected));

    /// <summary>Standard output as a Spectre console (wide and plain when redirected).</summary>
    public static IAnsiConsole Out => OutConsole.Value;

    /// <summary>Standard error as a Spectre console.</summary>
    public static IAnsiConsole Err => ErrConsole.Value;

    /// <summary>True when stderr is a terminal, so live progress bars can be drawn.</summary>
    public static bool LiveProgress => !Console.IsErrorRedirected;

    public static Table NewTable(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(new Text(column)));
        }

        return table;
    }

    /// <summary>Adds a row of plain text cells (no markup interpretation).</summary>
    public static void AddTextRow(this Table table, params string?[] cells) =>
        table.AddRow(cells.Select(c => (IRenderable)new Text(c ?? "")));

    /// <summary>
    /// Runs <paramref name="work"/> with a progress callback (done, total): a bar on a terminal, otherwise a
    /// line on stderr at most every 10 % of the way.
    /// </summary>
    public static async Task<T> WithProgressAsync<T>(string description, Func<Action<double, double>, Task<T>> work)
    {
        if (LiveProgress)
        {
            return await Err.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Markup.Escape(description), maxValue: 1);
                    var result = await work((done, total) =>
                    {
                        task.MaxValue = Math.Max(1, total);
                        task.Value = done;
                    }).ConfigureAwait(false);
                    task.Value = task.MaxValue;
                    return result;
                }).ConfigureAwait(false);
        }

        var lastDecile = -1;
        var gate = new Lock();
        return await work((done, total) =>
        {
            var decile = total <= 0 ? 10 : (int)(done * 10 / total);
            lock (gate)
            {
                if (decile <= lastDecile)
                {
                    return;
                }

                lastDecile = decile;
                Console.Error.WriteLine($"{description}: {done:0}/{total:0}");
            }
        }).ConfigureAwait(false);
    }

    public static string Short(string hex, int length = 12) => hex.Length <= length ? hex : hex[..length] + "…";

    private static IAnsiConsole Create(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = 240;
        }

        return console;
    }
}
