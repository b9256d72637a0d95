using DhtRpc.Wire;
using Microsoft.Data.Sqlite;

namespace DhtRpc.Storage.Stores;

/// <summary>
/// How a <see cref="StoredItem"/> maps to a row of the <c>items</c> table: columns in the order
/// space, key, value, stored_at, stored_by, access_count, last_access, expires_at, owner_key, sequence,
/// signature, source;
/// times as Unix milliseconds, absent values as NULL.
/// </summary>
internal static class SqliteRows
{
    /// <summary>Sets the twelve parameters of an insert, in column order.</summary>
    public static void BindItem(SqliteParameterCollection p, StoredItem item)
    {
        p[0].Value = (long)item.Space;
        p[1].Value = item.Key.ToArray();
        p[2].Value = item.Value;
        p[3].Value = item.StoredAt.ToUnixTimeMilliseconds();
        p[4].Value = item.StoredBy;
        p[5].Value = item.AccessCount;
        p[6].Value = Nullable(item.LastAccess);
        p[7].Value = Nullable(item.ExpiresAt);
        p[8].Value = (object?)item.OwnerKey ?? DBNull.Value;
        p[9].Value = item.Sequence;
        p[10].Value = (object?)item.Signature ?? DBNull.Value;
        p[11].Value = item.Source;
    }

    /// <summary>Reads the first eleven columns of the current row, in column order (the source is derived from stored_by).</summary>
    public static StoredItem ReadItem(SqliteDataReader reader) => new()
    {
        Space = (ItemSpace)reader.GetInt64(0),
        Key = NodeId.Read(reader.GetFieldValue<byte[]>(1)),
        Value = reader.GetFieldValue<byte[]>(2),
        StoredAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        StoredBy = reader.GetString(4),
        AccessCount = reader.GetInt64(5),
        LastAccess = ReadNullableTime(reader, 6),
        ExpiresAt = ReadNullableTime(reader, 7),
        OwnerKey = reader.IsDBNull(8) ? null : reader.GetFieldValue<byte[]>(8),
        Sequence = reader.GetInt64(9),
        Signature = reader.IsDBNull(10) ? null : reader.GetFieldValue<byte[]>(10),
    };

    private static object Nullable(DateTimeOffset? value) =>
        value is { } at ? at.ToUnixTimeMilliseconds() : DBNull.Value;

    private static DateTimeOffset? ReadNullableTime(SqliteDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));
}
