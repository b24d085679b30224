using System.Text;
using System.Text.Json.Nodes;

namespace Speck.FlinkStandIn.Http;

/// <summary>A Java exception as Flink prints it: class, message and the causes below it.</summary>
public sealed record JavaError(string Class, string Message, JavaError? Cause = null)
{
    /// <summary>Stack-trace text: first line <c>class: message</c>, then one frame and each cause, as Throwable.toString chains.</summary>
    public string Trace()
    {
        var text = $"{Class}: {Message}\n\tat speck.flink.standin.Handler.handle(stand-in)";
        return Cause is null ? text : text + "\nCaused by: " + Cause.Trace();
    }

    /// <summary>
    /// SerializedThrowable as Flink's custom serializer writes it (docs/flink-rest.md
    /// §Where the wire differs from the spec), not as the spec's schema says.
    /// </summary>
    public JsonObject ToSerializedThrowable() => new()
    {
        ["class"] = Class,
        ["stack-trace"] = Trace(),
        ["serialized-throwable"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(Trace())),
    };
}

/// <summary>
/// An error answer. Expected errors (Flink's RestHandlerException) carry one string, the stringified stack trace;
/// anything else is a 500 with "Internal server error." and the server-side trace (docs/flink-rest.md §Error bodies).
/// </summary>
public sealed class FlinkRestException(int status, IReadOnlyList<string> errors) : Exception(errors.Count > 0 ? errors[0] : "")
{
    public const string RestHandlerException = "org.apache.flink.runtime.rest.handler.RestHandlerException";
    public const string NotFoundException = "org.apache.flink.runtime.rest.NotFoundException";

    public int Status { get; } = status;
    public IReadOnlyList<string> Errors { get; } = errors;

    public static FlinkRestException Handler(int status, string message, JavaError? cause = null) =>
        new(status, [new JavaError(RestHandlerException, message, cause).Trace()]);

    public static FlinkRestException Of(int status, JavaError error) => new(status, [error.Trace()]);

    public static FlinkRestException Internal(JavaError error) =>
        new(500, ["Internal server error.", $"<Exception on server side:\n{error.Trace()}\nEnd of exception on server side>"]);

    public static FlinkRestException BadPathParameter(string name, string value) =>
        Handler(400, $"Bad request, could not parse parameters: Cannot resolve path parameter ({name}) from value \"{value}\".");

    public static FlinkRestException BadQueryParameter(string name, string value) =>
        Handler(400, $"Bad request, could not parse parameters: Cannot resolve query parameter ({name}) from value \"{value}\".");

    public static FlinkRestException BadBody(string bodyClass) =>
        Handler(400, $"Request did not match expected format {bodyClass}.");

    public static FlinkRestException RouteNotFound(string uri) => new(404, [$"Not found: {uri}"]);
}
