"""API: the caller's own API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from ...store.accounts import create_api_token, get_user, list_api_tokens, revoke_api_token
from ...store.models import User
from ..api_models.tokens import TokenCreated, TokenIn, TokenOut
from ..audit_trail import note
from ..context import state
from ..security import CurrentUser
from .api_common import ItemId, Viewer, errors, token_out

router = APIRouter(tags=["tokens"])


def _account(session: Session, user: CurrentUser) -> User:
    return get_user(session, user_id=user.id)


@router.get(
    "/tokens",
    summary="List your API tokens",
    response_model=list[TokenOut],
    responses=errors(),
)
def tokens_list(request: Request, user: Viewer) -> list[TokenOut]:
    """Your tokens, newest first, revoked ones too; never the tokens themselves."""
    with state(request).read() as session:
        return [token_out(t) for t in list_api_tokens(session, user=_account(session, user))]


@router.post(
    "/tokens",
    summary="Create an API token",
    status_code=201,
    response_model=TokenCreated,
    responses=errors(422),
)
def tokens_create(request: Request, body: TokenIn, user: Viewer) -> TokenCreated:
    """A new token for yourself, with your role. The plain token is returned only here
    (it is stored hashed): keep it somewhere safe."""
    with state(request).write() as session:
        token, plain = create_api_token(session, user=_account(session, user), name=body.name)
        note(
            request,
            session,
            action="token.create",
            summary=f"Created API token {token.name!r}",
            detail={"token_id": token.id, "name": token.name},
            user=user,
        )
        return TokenCreated(**token_out(token).model_dump(), token=plain)


@router.delete(
    "/tokens/{token_id}",
    summary="Revoke an API token",
    response_model=TokenOut,
    responses=errors(404, 422),
)
def tokens_revoke(request: Request, token_id: ItemId, user: Viewer) -> TokenOut:
    """Revoke one of your tokens (admins: anyone's). It stops working at once (401)."""
    with state(request).write() as session:
        token = revoke_api_token(session, token_id=token_id, user=_account(session, user))
        note(
            request,
            session,
            action="token.revoke",
            summary=f"Revoked API token {token.name!r} of {token.user.username}",
            detail={"token_id": token.id, "name": token.name, "owner": token.user.username},
            user=user,
        )
        return token_out(token)
