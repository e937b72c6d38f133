"""One blueprint per area; this module lists them in the order they register."""

from flask import current_app


def register_blueprints(app):
    from blueprints.devmail import bp as devmail_bp
    from blueprints.errors import bp as errors_bp
    from blueprints.invite import bp as invite_bp
    from blueprints.join import bp as join_bp
    from blueprints.main import bp as main_bp

    app.register_blueprint(errors_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(join_bp)
    app.register_blueprint(invite_bp)
    if app.config["IS_DEVELOPMENT"] or app.config.get("DEV_MAIL_ENABLED"):
        app.register_blueprint(devmail_bp, url_prefix="/dev")
    app.context_processor(_brand)


def _brand():
    config = current_app.config
    return {
        "brand": {
            "name": config["BRAND_NAME"],
            "community": config["COMMUNITY_NAME"],
            "support_email": config["SUPPORT_EMAIL"],
            "community_url": config["COMMUNITY_URL"],
            "login_url": config["COMMUNITY_LOGIN_URL"],
            "reset_url": config["COMMUNITY_RESET_URL"],
            "account_domain": config["ACCOUNT_DOMAIN"],
        }
    }
