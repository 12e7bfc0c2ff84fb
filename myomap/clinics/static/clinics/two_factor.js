// Two-factor pages: once a passkey is registered, show the account page again with it listed.
document.addEventListener("otp_webauthn.register_complete", () => {
  window.location.reload();
});
