namespace DhtRpc.Storage.Stores;

/// <summary>
/// The checks a store database passes before a node serves from it: the file is not empty when it
/// exists (SQLite would silently start a new store in it), and <c>PRAGMA quick_check</c> finds no
/// damaged page, so a bad index is refused at start instead of failing requests later.
/// </summary>
internal static class SqliteIntegrity
{
    /// <summary>Errors of quick_check quoted in the refusal at most.</summary>
    private const int QuotedErrors = 3;

    /// <summary>Refuses an existing zero-length file.</summary>
    /// <exception cref="StorageException">The file exists and is empty.</exception>
    public static void RefuseEmptyFile(string path)
    {
        var file = new FileInfo(path);
        if (file.Exists && file.Length == 0)
        {
            throw new StorageException(
                $"The store database '{path}' is empty (0 bytes), which a store never is: restore it from a backup, or delete it to start a new, empty store.",
                path,
                null);
        }
    }

    /// <summary>Runs <c>PRAGMA quick_check</c> and refuses the file when it reports anything but "ok".</summary>
    /// <exception cref="StorageException">The check found damage.</exception>
    public static void QuickCheck(SqliteDatabase database)
    {
        using var command = database.CreateCommand("PRAGMA quick_check");
        using var reader = command.ExecuteReader();
        var problems = new List<string>();
        var count = 0;
        while (reader.Read())
        {
            var line = reader.GetString(0);
            if (string.Equals(line, "ok", StringComparison.Ordinal))
            {
                return;
            }

            // One row can hold many problems, one per line, under a "*** in database ***" header.
            foreach (var problem in line.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (problem.StartsWith("***", StringComparison.Ordinal))
                {
                    continue;
                }

                count++;
                if (problems.Count < QuotedErrors)
                {
                    problems.Add(problem);
                }
            }
        }

        throw database.Unusable(
            $"The store database '{database.DatabasePath}' is damaged ({count} problem(s) found by an integrity check, first: {string.Join("; ", problems)}{(count > problems.Count ? "; …" : string.Empty)}): restore it from a backup, or move it away to start a new, empty store.");
    }
}
