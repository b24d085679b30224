using System.Text;
using System.Text.Json;

namespace Speck.Testbed.NodeRed;

/// <summary>
/// settings.js for a headless engine (docs/nodered.md §Headless settings): editor off but Admin API on, no telemetry,
/// no projects, no palette or npm installs at runtime, runtime state API on, short MQTT reconnect.
/// </summary>
internal static class NodeRedSettingsFile
{
    public static string Render(NodeRedEngineOptions options, string userDir, int port, string installDirectory)
    {
        var sb = new StringBuilder("// Written by speck-testbed for one local engine; not for committing.\nmodule.exports = {\n");
        sb.Append($"    userDir: {Js(userDir)},\n");
        sb.Append("    flowFile: 'flows.json',\n    flowFilePretty: true,\n");
        sb.Append($"    credentialSecret: {Js(options.CredentialSecret)},\n");
        sb.Append($"    uiHost: {Js(options.BindAddress ?? options.Host)},\n    uiPort: {port},\n");
        sb.Append("    disableEditor: true,\n    httpNodeRoot: false,\n");
        sb.Append("    diagnostics: { enabled: true, ui: false },\n    runtimeState: { enabled: true, ui: false },\n");
        sb.Append("    telemetry: { enabled: false, updateNotification: false },\n");
        sb.Append("    logging: { console: { level: 'info', metrics: false, audit: false } },\n");
        sb.Append("    externalModules: { autoInstall: false, palette: { allowInstall: false, allowUpdate: false, allowUpload: false }, modules: { allowInstall: false } },\n");
        sb.Append("    functionExternalModules: false,\n    functionGlobalContext: {},\n    exportGlobalContextKeys: false,\n");
        sb.Append($"    mqttReconnectTime: {(int)options.MqttReconnectTime.TotalMilliseconds},\n");
        sb.Append("    editorTheme: { tours: false, projects: { enabled: false } },\n");
        if (options.AdminAuth is { } auth)
        {
            // The password reaches the file only as a bcrypt hash, computed by the engine's own bcryptjs from its environment.
            var bcrypt = Path.Combine(installDirectory, "node_modules", "bcryptjs");
            sb.Append("    adminAuth: {\n        type: 'credentials',\n");
            sb.Append($"        users: [ {{ username: {Js(auth.Username)}, password: require({Js(bcrypt)}).hashSync(process.env.{PasswordVariable}, 8), permissions: '*' }} ],\n");
            if (auth.Token is not null)
                sb.Append($"        tokens: [ {{ token: process.env.{TokenVariable}, user: {Js(auth.Username)}, scope: ['*'] }} ],\n");
            sb.Append("    },\n");
        }
        sb.Append("};\n");
        return sb.ToString();
    }

    public const string PasswordVariable = "SPECK_NODERED_ADMIN_PASSWORD";
    public const string TokenVariable = "SPECK_NODERED_ADMIN_TOKEN";

    private static string Js(string value) => JsonSerializer.Serialize(value);
}
