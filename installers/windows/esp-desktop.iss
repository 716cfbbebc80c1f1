; Inno Setup 6 script for ESP Desktop (Windows 10/11, x64).
;
; Build on Windows after `python installers\build.py --no-package` (which makes dist\esp-desktop\), or let
; build.py call it:
;   ISCC.exe /DAppVersion=0.1.0 /DSourceDir=dist\esp-desktop /Odist installers\windows\esp-desktop.iss
;
; Install modes (PrivilegesRequiredOverridesAllowed): per-user by default, no administrator rights needed,
; into %LOCALAPPDATA%\Programs\ESP Desktop; per-machine with /ALLUSERS (or the choice in the wizard) into
; C:\Program Files\ESP Desktop. Silent install for district IT (see docs/install.md):
;   esp-desktop-<version>-windows-x64-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /ALLUSERS
;       [/DIR="C:\Apps\ESP Desktop"] [/MERGETASKS="!desktopicon"] [/LOG="C:\Temp\esp-install.log"]
; Silent uninstall: "<app folder>\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES /NORESTART
;
; The data (encrypted store, attachments, settings) lives in each user's %LOCALAPPDATA%\esp-desktop (or
; ESP_DATA_DIR), which this installer never creates and the uninstaller never deletes.

#ifndef AppVersion
  #error Pass the version: ISCC /DAppVersion=x.y.z (build.py reads it from esp_desktop.__version__)
#endif
#ifndef AppNumVersion
  ; Windows version resources take only numbers (a.b.c.d); build.py passes e.g. 0.2.0.0 for 0.2.0rc1.
  #define AppNumVersion AppVersion
#endif
#ifndef RepoRoot
  #define RepoRoot "..\.."
#endif
#ifndef SourceDir
  #define SourceDir RepoRoot + "\dist\esp-desktop"
#endif

#define AppName "ESP Desktop"
#define AppExe "esp-desktop.exe"

[Setup]
; AppId identifies the product for upgrades and uninstall; never change it.
AppId={{C0A6C700-FE6F-4351-AFED-FB2F213D6342}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=esp-desktop developers
AppComments=Offline-first workbench for Educator Supports Program consulting teachers
VersionInfoVersion={#AppNumVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
UsePreviousAppDir=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputBaseFilename=esp-desktop-{#AppVersion}-windows-x64-setup
SetupIconFile={#RepoRoot}\resources\icons\app\esp-desktop.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Upgrades close a running copy first (Restart Manager), and never require a reboot.
CloseApplications=yes
RestartApplications=no
; Code signing (optional): define a sign tool in the IDE or pass /Ssigntool="signtool sign /fd sha256 /tr
; http://timestamp.digicert.com /td sha256 /a $f" and uncomment:
; SignTool=signtool

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the program itself may leave inside its own folder (bytecode caches); never the data folder.
Type: filesandordirs; Name: "{app}\_internal\__pycache__"

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent then
    MsgBox('{#AppName} was removed. Your data was kept in ' + ExpandConstant('{localappdata}') +
      '\esp-desktop (or the folder set in ESP_DATA_DIR). Delete that folder yourself only if you have ' +
      'a backup you no longer need.', mbInformation, MB_OK);
end;
